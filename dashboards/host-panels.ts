/**
 * The "Host" row of the cluster dashboard: the Docker host's CPU, memory,
 * load, file systems and disk traffic from node-exporter (the stack's
 * opt-in `nodeExporter` part, or kube-prometheus's node-exporter). Empty
 * while no node-exporter is scraped.
 */
import { GraphTransform } from "@grafana/grafana-foundation-sdk/common";
import { BytesPerSecondIEC, Percent, Short } from "@grafana/grafana-foundation-sdk/units";
import { SCRAPE_JOBS } from "../contract/index.js";
import { type DashboardSection, promQuery, thresholdSteps, timeseriesPanel } from "./common.js";
import { metricSelector } from "./selectors.js";

const RATE = "$__rate_interval";
const JOB = `job="${SCRAPE_JOBS.nodeExporter}"`;
/** File systems that hold no data of the host's: memory-backed and image layers. */
const PSEUDO_FS = 'fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs"';

/** A node-exporter metric of the host job; node-exporter's series carry no NATS labels, so no dashboard filter applies. */
const host = (name: string, extra?: string) => metricSelector(name, { filters: [], extra: extra ? `${JOB}, ${extra}` : JOB });

/** The row, as a section for `layOut`. */
export function hostSection(): DashboardSection {
  return {
    title: "Host (node-exporter)",
    panels: [
      { panel: cpuBusy(), width: 8, height: 8 },
      { panel: memoryUsed(), width: 8, height: 8 },
      { panel: load(), width: 8, height: 8 },
      { panel: fileSystemsUsed(), width: 12, height: 8 },
      { panel: diskTraffic(), width: 12, height: 8 },
    ],
  };
}

function cpuBusy() {
  return timeseriesPanel({
    title: "Host CPU busy",
    description:
      "Share of the host's CPU time not idle, over all cores (node_cpu_seconds_total). NATS, Prometheus and Loki share it: a host near 100% delays survey replies and rule evaluation.",
  })
    .withTarget(
      promQuery(`100 * (1 - avg by (instance) (rate(${host("node_cpu_seconds_total", 'mode="idle"')}[${RATE}])))`, {
        legend: "{{instance}}",
      }),
    )
    .thresholds(thresholdSteps("green", [80, "orange"], [95, "red"]))
    .unit(Percent)
    .min(0)
    .max(100);
}

function memoryUsed() {
  return timeseriesPanel({
    title: "Host memory used",
    description:
      "Share of the host's memory not available for new work (1 - MemAvailable / MemTotal). JetStream's memory store, Prometheus's head block and the page cache of the file stores all live here.",
  })
    .withTarget(
      promQuery(`100 * (1 - ${host("node_memory_MemAvailable_bytes")} / ${host("node_memory_MemTotal_bytes")})`, {
        legend: "{{instance}}",
      }),
    )
    .thresholds(thresholdSteps("green", [80, "orange"], [90, "red"]))
    .unit(Percent)
    .min(0)
    .max(100);
}

function load() {
  return timeseriesPanel({
    title: "Host load (1m)",
    description: "The host's 1-minute load average: runnable and waiting processes. Compare it with the core count.",
  })
    .withTarget(promQuery(host("node_load1"), { legend: "{{instance}}" }))
    .unit(Short)
    .min(0);
}

function fileSystemsUsed() {
  const avail = host("node_filesystem_avail_bytes", PSEUDO_FS);
  const size = host("node_filesystem_size_bytes", PSEUDO_FS);
  return timeseriesPanel({
    title: "Host file systems used",
    description:
      "Share of each of the host's file systems in use, as unprivileged users see it (avail, not free). The Docker volumes of JetStream, Prometheus and Loki live on the one holding /var/lib/docker.",
  })
    .withTarget(promQuery(`100 * (1 - ${avail} / ${size})`, { legend: "{{instance}} {{mountpoint}}" }))
    .thresholds(thresholdSteps("green", [80, "orange"], [90, "red"]))
    .unit(Percent)
    .min(0)
    .max(100);
}

function diskTraffic() {
  return timeseriesPanel({
    title: "Host disk traffic",
    description: "Bytes read (above the axis) and written (below) per second, per block device.",
  })
    .withTarget(promQuery(`rate(${host("node_disk_read_bytes_total")}[${RATE}])`, { legend: "{{instance}} {{device}} read" }))
    .withTarget(
      promQuery(`rate(${host("node_disk_written_bytes_total")}[${RATE}])`, { refId: "B", legend: "{{instance}} {{device}} written" }),
    )
    .overrideByRegexp(".* written$", [{ id: "custom.transform", value: GraphTransform.NegativeY }])
    .unit(BytesPerSecondIEC);
}

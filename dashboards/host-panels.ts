/**
 * The "Host" row of the cluster dashboard: the Docker host's CPU, memory,
 * load, file systems and disk traffic from node-exporter (the stack's
 * opt-in `nodeExporter` part, or kube-prometheus's node-exporter). Empty
 * while no node-exporter is scraped. In a stack over several hosts each
 * host's node-exporter carries its `host` label: the row then follows the
 * host variable and names the host in its legends.
 */
import { GraphTransform } from "@grafana/grafana-foundation-sdk/common";
import { BytesPerSecondIEC, Percent, Short } from "@grafana/grafana-foundation-sdk/units";
import { SCRAPE_JOBS } from "../contract/index.js";
import { type DashboardSection, promQuery, thresholdSteps, timeseriesPanel } from "./common.js";
import { hostMatcher, metricSelector } from "./selectors.js";

const RATE = "$__rate_interval";
const JOB = `job="${SCRAPE_JOBS.nodeExporter}"`;
/** File systems that hold no data of the host's: memory-backed and image layers. */
const PSEUDO_FS = 'fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs"';

/** How the row's queries select and name a host. */
interface HostScope {
  /** A node-exporter metric of the host job, with `extra` matchers. */
  readonly host: (name: string, extra?: string) => string;
  /** The legend's prefix that names the series' host. */
  readonly who: string;
  /** The labels an aggregation over a host's series keeps. */
  readonly by: string;
}

/**
 * node-exporter's series carry no NATS labels, so no NATS filter applies; in
 * a stack over several hosts the host variable does, and the legends name
 * the host rather than its address.
 */
function hostScope(multiHost: boolean): HostScope {
  const job = multiHost ? `${JOB}, ${hostMatcher()}` : JOB;
  return {
    host: (name, extra) => metricSelector(name, { filters: [], extra: extra ? `${job}, ${extra}` : job }),
    who: multiHost ? "{{host}}" : "{{instance}}",
    by: multiHost ? "host, instance" : "instance",
  };
}

/** The row, as a section for `layOut`; `multiHost` filters it by the host variable. */
export function hostSection(options: { readonly multiHost?: boolean } = {}): DashboardSection {
  const scope = hostScope(options.multiHost ?? false);
  return {
    title: "Host (node-exporter)",
    panels: [
      { panel: cpuBusy(scope), width: 8, height: 8 },
      { panel: memoryUsed(scope), width: 8, height: 8 },
      { panel: load(scope), width: 8, height: 8 },
      { panel: fileSystemsUsed(scope), width: 12, height: 8 },
      { panel: diskTraffic(scope), width: 12, height: 8 },
    ],
  };
}

function cpuBusy({ host, who, by }: HostScope) {
  return timeseriesPanel({
    title: "Host CPU busy",
    description:
      "Share of the host's CPU time not idle, over all cores (node_cpu_seconds_total). NATS, Prometheus and Loki share it: a host near 100% delays survey replies and rule evaluation.",
  })
    .withTarget(
      promQuery(`100 * (1 - avg by (${by}) (rate(${host("node_cpu_seconds_total", 'mode="idle"')}[${RATE}])))`, {
        legend: who,
      }),
    )
    .thresholds(thresholdSteps("green", [80, "orange"], [95, "red"]))
    .unit(Percent)
    .min(0)
    .max(100);
}

function memoryUsed({ host, who }: HostScope) {
  return timeseriesPanel({
    title: "Host memory used",
    description:
      "Share of the host's memory not available for new work (1 - MemAvailable / MemTotal). JetStream's memory store, Prometheus's head block and the page cache of the file stores all live here.",
  })
    .withTarget(
      promQuery(`100 * (1 - ${host("node_memory_MemAvailable_bytes")} / ${host("node_memory_MemTotal_bytes")})`, {
        legend: who,
      }),
    )
    .thresholds(thresholdSteps("green", [80, "orange"], [90, "red"]))
    .unit(Percent)
    .min(0)
    .max(100);
}

function load({ host, who }: HostScope) {
  return timeseriesPanel({
    title: "Host load (1m)",
    description: "The host's 1-minute load average: runnable and waiting processes. Compare it with the core count.",
  })
    .withTarget(promQuery(host("node_load1"), { legend: who }))
    .unit(Short)
    .min(0);
}

function fileSystemsUsed({ host, who }: HostScope) {
  const avail = host("node_filesystem_avail_bytes", PSEUDO_FS);
  const size = host("node_filesystem_size_bytes", PSEUDO_FS);
  return timeseriesPanel({
    title: "Host file systems used",
    description:
      "Share of each of the host's file systems in use, as unprivileged users see it (avail, not free). The Docker volumes of JetStream, Prometheus and Loki live on the one holding /var/lib/docker.",
  })
    .withTarget(promQuery(`100 * (1 - ${avail} / ${size})`, { legend: `${who} {{mountpoint}}` }))
    .thresholds(thresholdSteps("green", [80, "orange"], [90, "red"]))
    .unit(Percent)
    .min(0)
    .max(100);
}

function diskTraffic({ host, who }: HostScope) {
  return timeseriesPanel({
    title: "Host disk traffic",
    description: "Bytes read (above the axis) and written (below) per second, per block device.",
  })
    .withTarget(promQuery(`rate(${host("node_disk_read_bytes_total")}[${RATE}])`, { legend: `${who} {{device}} read` }))
    .withTarget(promQuery(`rate(${host("node_disk_written_bytes_total")}[${RATE}])`, { refId: "B", legend: `${who} {{device}} written` }))
    .overrideByRegexp(".* written$", [{ id: "custom.transform", value: GraphTransform.NegativeY }])
    .unit(BytesPerSecondIEC);
}

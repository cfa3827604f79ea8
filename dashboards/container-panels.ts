/**
 * The "Containers" row of the cluster dashboard: CPU, memory, restarts and
 * OOM kills of each of the stack's containers, from cAdvisor (the stack's
 * opt-in `cadvisor` part, whose scrape keeps the stack's own containers
 * only). Empty while no cAdvisor is scraped.
 */
import { BytesIEC, Percent, Short } from "@grafana/grafana-foundation-sdk/units";
import { SCRAPE_JOBS } from "../contract/index.js";
import { type DashboardSection, promQuery, thresholdSteps, timeseriesPanel } from "./common.js";
import { metricSelector } from "./selectors.js";

const RATE = "$__rate_interval";
const JOB = `job="${SCRAPE_JOBS.cadvisor}"`;

/** A cAdvisor metric of the cadvisor job; its series carry no NATS labels, so no dashboard filter applies. */
const container = (name: string, extra?: string) => metricSelector(name, { filters: [], extra: extra ? `${JOB}, ${extra}` : JOB });

/** The row, as a section for `layOut`. */
export function containersSection(): DashboardSection {
  return {
    title: "Containers (cAdvisor)",
    panels: [
      { panel: cpu(), width: 12, height: 8 },
      { panel: memory(), width: 12, height: 8 },
      { panel: memoryOfLimit(), width: 8, height: 8 },
      { panel: restarts(), width: 8, height: 8 },
      { panel: oomKills(), width: 8, height: 8 },
    ],
  };
}

function cpu() {
  return timeseriesPanel({
    title: "Container CPU",
    description:
      "CPU each container uses, in cores (container_cpu_usage_seconds_total): 1 is one core busy all the time. A NATS node near the host's core count starves the others.",
  })
    .withTarget(promQuery(`sum by (name) (rate(${container("container_cpu_usage_seconds_total")}[${RATE}]))`, { legend: "{{name}}" }))
    .unit(Short)
    .min(0);
}

function memory() {
  return timeseriesPanel({
    title: "Container memory (working set)",
    description:
      "Each container's working set (container_memory_working_set_bytes): its memory minus the file cache the kernel can drop, what the OOM killer weighs against the limit.",
  })
    .withTarget(promQuery(`sum by (name) (${container("container_memory_working_set_bytes")})`, { legend: "{{name}}" }))
    .unit(BytesIEC)
    .min(0);
}

function memoryOfLimit() {
  const limit = `sum by (name) (${container("container_spec_memory_limit_bytes")}) > 0`;
  return timeseriesPanel({
    title: "Container memory of its limit",
    description:
      "Working set as a share of the container's memory limit (every container of the stack has one). Near 100% the kernel reclaims cache and then kills: see the ContainerOomKilled alert.",
  })
    .withTarget(promQuery(`100 * sum by (name) (${container("container_memory_working_set_bytes")}) / (${limit})`, { legend: "{{name}}" }))
    .thresholds(thresholdSteps("green", [80, "orange"], [90, "red"]))
    .unit(Percent)
    .min(0)
    .max(100);
}

function restarts() {
  return timeseriesPanel({
    title: "Container restarts",
    description:
      "Restarts of each container per interval: how often its start time moved (container_start_time_seconds), what ContainerRestarting counts over 15 minutes. A container that a deploy replaces is a new series and does not count.",
  })
    .withTarget(promQuery(`sum by (name) (changes(${container("container_start_time_seconds")}[${RATE}]))`, { legend: "{{name}}" }))
    .unit(Short)
    .min(0);
}

function oomKills() {
  return timeseriesPanel({
    title: "Container OOM kills",
    description:
      "Processes the kernel's OOM killer killed in each container per interval (container_oom_events_total, read from the kernel log). A kill that ends the container ends its counter with it: watch the restarts too.",
  })
    .withTarget(promQuery(`sum by (name) (increase(${container("container_oom_events_total")}[${RATE}]))`, { legend: "{{name}}" }))
    .unit(Short)
    .min(0);
}

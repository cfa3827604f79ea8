import { CADVISOR_LABELS } from "../../contract/index.js";
import { counterIncreased } from "../promql.js";
import type { AlertRule, AlertRuleGroup } from "../rule-types.js";
import type { RuleContext } from "./context.js";

/** The window both container rules look back over. */
export const CONTAINER_WINDOW = "15m";

/**
 * What a container alert is about: the scrape, the container's name and the
 * stack's part it belongs to. Not cAdvisor's `id` (the cgroup path) or
 * `image`, so that one container is one alert.
 */
const BY = `job, instance, name, ${CADVISOR_LABELS.component}`;

/**
 * The stack's containers as cAdvisor sees them (the `cadvisor` part):
 * restarts and OOM kills. Empty unless the config expects container metrics,
 * so a stack without cAdvisor carries no rule that can never fire.
 */
export function containersGroup(c: RuleContext): AlertRuleGroup {
  const { config, t, cadvisor: s } = c;
  if (!config.expectContainerMetrics) return { name: "containers", rules: [] };
  const oom = s("container_oom_events_total");
  const rules: AlertRule[] = [
    {
      alert: "ContainerRestarting",
      // A restart starts a new process in the same container (same cgroup id,
      // so the same series): its start time moves. A container that Terraform
      // replaces is a new series with a new id, so a deploy does not count.
      expr: `sum by (${BY}) (changes(${s("container_start_time_seconds")}[${CONTAINER_WINDOW}])) >= ${t.containerRestartsPer15m}`,
      for: "0s",
      severity: "warning",
      summary: `Container {{ $labels.name }} restarted {{ $value }} time(s) in ${CONTAINER_WINDOW}`,
      description:
        "The container's process stopped and Docker's restart policy started it again: it crashed, was killed (an OOM kill among others), or failed its own checks. A NATS node that restarts drops its clients and catches up on its streams each time.",
      action:
        "docker logs --tail 200 {{ $labels.name }} for the last words before the restart; docker inspect {{ $labels.name }} (State.ExitCode, State.OOMKilled, RestartCount). An exit code of 137 with OOMKilled true: see ContainerOomKilled.",
    },
    {
      alert: "ContainerOomKilled",
      // The counter lives as long as the container's cgroup: it catches a
      // process killed inside a container that survives, and the main process
      // only when a scrape falls between the kill and the container's exit.
      // An OOM kill that ends the container shows as ContainerRestarting.
      expr: `sum by (${BY}) (${counterIncreased(oom, CONTAINER_WINDOW)})`,
      for: "0s",
      severity: "warning",
      summary: `The kernel's OOM killer killed a process in container {{ $labels.name }}`,
      description:
        "A process of the container went over the container's memory limit and the kernel killed it. NATS, Prometheus and Loki lose their in-memory state with it; a killed main process restarts the container.",
      action:
        "Compare the container's memory with its limit in the Containers row of the cluster dashboard; raise the part's memoryLimit, or lower what it holds in memory (JetStream max_memory_store, Prometheus retention or series).",
    },
  ];
  return { name: "containers", rules };
}

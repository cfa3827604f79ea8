import { Annotations } from "cdktf";
import type { IConstruct } from "constructs";

/**
 * The part names of the `parts` output, the same words as natsmon's check
 * groups: `natsmon check` checks only the parts a stack has.
 */
export type StackPartName = "nats" | "surveyor" | "exporter" | "prometheus" | "alertmanager" | "loki" | "grafana";

/** Which parts a stack runs. */
export type StackParts = Readonly<Record<StackPartName, boolean>>;

/** The `parts` output's value: the names of the parts that run, in check order. */
export function partNames(parts: StackParts): StackPartName[] {
  return (Object.keys(parts) as StackPartName[]).filter((name) => parts[name]);
}

/**
 * Warnings (cdktf prints them at synth) for combinations that synthesize
 * but leave Grafana showing little: its cluster dashboard and the
 * NatsServerDown rule read Surveyor's metrics.
 */
export function warnAboutMissingMetrics(stack: IConstruct, parts: StackParts): void {
  if (!parts.grafana || parts.surveyor) return;
  const message = parts.exporter
    ? "surveyor is false while Grafana is on: most panels of the NATS JetStream cluster dashboard read Surveyor's metrics and stay empty, and the NatsServerDown alert (Surveyor's expected vs surveyed servers) can never fire; keep Surveyor unless that is meant"
    : "surveyor and exporter are both false while Grafana is on: nothing collects NATS metrics, so the NATS JetStream cluster dashboard stays empty and the NATS alert rules can never fire; keep at least Surveyor unless that is meant";
  Annotations.of(stack).addWarning(message);
}

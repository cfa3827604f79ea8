import { appendFileSync } from "node:fs";
import { inject } from "vitest";

/** The figures of the closing LIVE line. */
export interface LiveFigures {
  formation_s?: number;
  failover_s?: number;
  published?: number;
  lost?: number;
  /** Seconds from the event to the alert at Alertmanager, tuned config (the slowest measured). */
  alert_fire_s?: number;
  /** Default dashboard PromQL queries that returned data from the live Prometheus, "N/M". */
  queries_with_data?: string;
  /** Acknowledged messages lost over the rollout cases (the worst case). */
  rollout_lost?: number;
  /** The longest gap between two acknowledged publishes during a rollout, seconds (the worst case). */
  rollout_max_gap_s?: number;
  /** Acknowledged messages lost by the scale-in. */
  scalein_lost?: number;
  /** Seconds from cutting the stream leader's host off to the next acknowledged publish (three engines). */
  multihost_failover_s?: number;
  /** Acknowledged messages lost when a whole host was cut off (three engines). */
  multihost_lost?: number;
  /** Five nodes over three engines: seconds of the longest gap between acknowledged publishes when the link of a host with two nodes and the stream leader was cut. */
  multihost5_failover_s?: number;
  /** Five nodes over three engines: acknowledged messages lost by that cut. */
  multihost5_lost?: number;
  /** Seconds of the longest gap between acknowledged publishes when the engine of the stream leader's host (two nodes) was stopped. */
  multihost_engine_stop_failover_s?: number;
  /** Acknowledged messages lost when that engine was stopped. */
  multihost_engine_stop_lost?: number;
}

declare module "vitest" {
  export interface ProvidedContext {
    liveFiguresFile: string;
  }
}

/** Records figures for the LIVE line that the global setup prints when the run ends. */
export function recordFigures(figures: LiveFigures): void {
  appendFileSync(inject("liveFiguresFile"), `${JSON.stringify(figures)}\n`);
}

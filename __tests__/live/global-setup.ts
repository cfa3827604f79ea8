import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import type { LiveFigures } from "./figures.js";
import { mergeFigures } from "./figures-merge.js";

/**
 * Gives the test files a file to record their figures in, and prints them
 * as one line when the run ends:
 * `LIVE: formation_s=.. failover_s=.. published=.. lost=.. alert_fire_s=.. queries_with_data=N/M
 * rollout_lost=.. rollout_max_gap_s=.. scalein_lost=.. multihost_failover_s=.. multihost_lost=.. multihost5_failover_s=..
 * multihost5_lost=.. multihost_engine_stop_failover_s=.. multihost_engine_stop_lost=..` (one line; the rollout figures the worst case)
 * (a figure no test recorded, because its test failed, prints as n/a).
 */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), "natsmon-live-"));
  const file = join(dir, "figures.jsonl");
  project.provide("liveFiguresFile", file);
  return () => {
    let figures: LiveFigures = {};
    try {
      for (const line of readFileSync(file, "utf8").split("\n").filter(Boolean)) {
        figures = mergeFigures(figures, JSON.parse(line) as LiveFigures);
      }
    } catch {
      // No test recorded anything.
    }
    rmSync(dir, { recursive: true, force: true });
    const show = (value: number | string | undefined) => (value === undefined ? "n/a" : String(value));
    console.log(
      `LIVE: formation_s=${show(figures.formation_s)} failover_s=${show(figures.failover_s)} published=${show(figures.published)} lost=${show(figures.lost)}` +
        ` alert_fire_s=${show(figures.alert_fire_s)} queries_with_data=${show(figures.queries_with_data)}` +
        ` rollout_lost=${show(figures.rollout_lost)} rollout_max_gap_s=${show(figures.rollout_max_gap_s)} scalein_lost=${show(figures.scalein_lost)}` +
        ` multihost_failover_s=${show(figures.multihost_failover_s)} multihost_lost=${show(figures.multihost_lost)}` +
        ` multihost5_failover_s=${show(figures.multihost5_failover_s)} multihost5_lost=${show(figures.multihost5_lost)}` +
        ` multihost_engine_stop_failover_s=${show(figures.multihost_engine_stop_failover_s)} multihost_engine_stop_lost=${show(figures.multihost_engine_stop_lost)}`,
    );
  };
}

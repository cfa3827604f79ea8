import type { StackTargets } from "../targets.js";
import { CheckRun } from "./check-run.js";
import { runExporterChecks } from "./exporter-checks.js";
import { runGrafanaChecks } from "./grafana-checks.js";
import { runLokiChecks } from "./loki-checks.js";
import { runNatsChecks } from "./nats-checks.js";
import { runAlertmanagerChecks, runPrometheusChecks } from "./prometheus-checks.js";
import { runSurveyorChecks } from "./surveyor-checks.js";
import type { CheckResult } from "./verdict.js";

/** The groups of checks, in report order. */
export const CHECK_GROUPS = {
  nats: runNatsChecks,
  surveyor: runSurveyorChecks,
  exporter: runExporterChecks,
  prometheus: runPrometheusChecks,
  alertmanager: runAlertmanagerChecks,
  loki: runLokiChecks,
  grafana: runGrafanaChecks,
} as const satisfies Record<string, (targets: StackTargets, run: CheckRun) => Promise<void>>;

export type CheckGroupName = keyof typeof CHECK_GROUPS;
export const CHECK_GROUP_NAMES = Object.keys(CHECK_GROUPS) as CheckGroupName[];

/** Options of {@link runChecks}. */
export interface RunChecksOptions {
  /** Per-check timeout in milliseconds. */
  readonly timeoutMs: number;
  /** Run only these groups. @default every group */
  readonly groups?: readonly CheckGroupName[];
  /** Called as each result comes in. */
  readonly onResult?: (result: CheckResult) => void;
}

/**
 * Runs the groups side by side (checks inside a group run in order, since
 * later ones build on earlier ones), so the whole run takes about as long as
 * its slowest group, and returns the results in report order.
 */
export async function runChecks(targets: StackTargets, options: RunChecksOptions): Promise<CheckResult[]> {
  const groups = options.groups ?? CHECK_GROUP_NAMES;
  const runs = groups.map((group) => new CheckRun(group, options.timeoutMs, options.onResult));
  await Promise.all(
    runs.map(async (run) => {
      try {
        await CHECK_GROUPS[run.group as CheckGroupName](targets, run);
      } catch (error) {
        // A bug in a group must not hide the other groups' results.
        await run.check(`${run.group}.internal`, { what: `the ${run.group} checks`, fix: "report this as a natsmon bug" }, async () => {
          throw error;
        });
      }
    }),
  );
  return runs.flatMap((run) => run.results);
}

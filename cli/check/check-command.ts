import { readFileSync } from "node:fs";
import { NatsmonError } from "../natsmon-error.js";
import { loadOutputs } from "../outputs.js";
import { resolveTargets, type TargetFlags } from "../targets.js";
import { withHostNotes } from "./host-notes.js";
import { jsonReport, renderTable } from "./report.js";
import { CHECK_GROUP_NAMES, type CheckGroupName, runChecks } from "./run-checks.js";
import { allPassed } from "./verdict.js";

/** The flag that gives each group's endpoint. */
const ENDPOINT_FLAGS = {
  nats: "natsUrl",
  surveyor: "surveyorUrl",
  exporter: "exporterUrl",
  prometheus: "prometheusUrl",
  alertmanager: "alertmanagerUrl",
  loki: "lokiUrl",
  grafana: "grafanaUrl",
} as const satisfies Record<CheckGroupName, keyof TargetFlags>;

/** Options of `natsmon check`, as commander hands them over. */
export interface CheckCommandOptions extends TargetFlags {
  readonly outputs?: string;
  readonly stack?: string;
  readonly only?: CheckGroupName[];
  /** Seconds per check. */
  readonly timeout: number;
  readonly json?: boolean;
  readonly color: boolean;
  /** A PEM file of the NATS servers' CA (client TLS). */
  readonly natsCaFile?: string;
}

/** Runs `natsmon check`; returns the exit status: 0 when every check passed, 1 otherwise. */
export async function checkCommand(options: CheckCommandOptions): Promise<number> {
  const wanted = options.only ?? CHECK_GROUP_NAMES;
  // Every endpoint given as a flag: no outputs (and no Terraform state) needed.
  const outputs =
    options.outputs === undefined && wanted.every((group) => group === "alertmanager" || options[ENDPOINT_FLAGS[group]] !== undefined)
      ? { source: "flags", values: {} }
      : await loadOutputs(options.outputs, { stack: options.stack });
  const targets = resolveTargets(outputs.values, { ...options, natsCaCert: readCaFile(options.natsCaFile) });
  // A part the stack leaves out (surveyor: false, ...) has nothing to check.
  const groups = wanted.filter((group) => targets.parts === undefined || targets.parts.includes(group));
  const timeoutMs = Math.round(options.timeout * 1000);
  if (!options.json && process.stderr.isTTY) {
    process.stderr.write(
      `natsmon: checking ${outputs.source === "defaults" ? "the default endpoints" : outputs.source} (timeout ${options.timeout} s per check)...\n`,
    );
  }
  const results = withHostNotes(await runChecks(targets, { timeoutMs, groups }), targets.hosts, {
    surveyor: targets.surveyorUrl,
    prometheus: targets.prometheusUrl,
    alertmanager: targets.alertmanagerUrl,
    loki: targets.lokiUrl,
    grafana: targets.grafanaUrl,
  });
  if (options.json) {
    process.stdout.write(`${JSON.stringify(jsonReport(results, outputs.source, options.timeout), null, 2)}\n`);
  } else {
    process.stdout.write(renderTable(results, { color: options.color, width: process.stdout.columns }));
  }
  return allPassed(results) ? 0 : 1;
}

function readCaFile(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new NatsmonError(
      `cannot read --nats-ca-file ${path}: ${(error as Error).message}`,
      "pass the PEM file of the stack's CA (output nats_ca_cert)",
    );
  }
}

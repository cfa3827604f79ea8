import { readFileSync } from "node:fs";
import { NatsmonError } from "../natsmon-error.js";
import { loadOutputs } from "../outputs.js";
import { resolveTargets, type TargetFlags } from "../targets.js";
import { jsonReport, renderTable } from "./report.js";
import { type CheckGroupName, runChecks } from "./run-checks.js";
import { allPassed } from "./verdict.js";

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
  const outputs = await loadOutputs(options.outputs, { stack: options.stack });
  const targets = resolveTargets(outputs.values, { ...options, natsCaCert: readCaFile(options.natsCaFile) });
  const timeoutMs = Math.round(options.timeout * 1000);
  if (!options.json && process.stderr.isTTY) {
    process.stderr.write(
      `natsmon: checking ${outputs.source === "defaults" ? "the default endpoints" : outputs.source} (timeout ${options.timeout} s per check)...\n`,
    );
  }
  const results = await runChecks(targets, { timeoutMs, groups: options.only });
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

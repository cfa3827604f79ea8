#!/usr/bin/env node
/**
 * natsmon: the ops CLI of nats-jetstream-monitoring. `check` tells whether a
 * running stack is healthy, `backup` and `restore` archive its data volumes,
 * `mixin` exports the rules and dashboards for Prometheus setups elsewhere.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import pc from "picocolors";
import { OUTPUTS } from "../contract/index.js";
import { backupCommand } from "./backup/backup-command.js";
import { restoreCommand } from "./backup/restore-command.js";
import { checkCommand } from "./check/check-command.js";
import { CHECK_GROUP_NAMES, type CheckGroupName } from "./check/run-checks.js";
import { writeMixin } from "./mixin/mixin-command.js";
import { NatsmonError } from "./natsmon-error.js";
import { DEFAULT_TARGETS } from "./targets.js";

/** Exit status when natsmon could not do its job at all (bad flags, unreadable outputs, no Docker). */
export const EXIT_USAGE = 2;

function positiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError(`expected a positive number of seconds, got "${value}"`);
  return number;
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new InvalidArgumentError(`expected a positive whole number, got "${value}"`);
  return number;
}

function groupList(value: string): CheckGroupName[] {
  const groups = value
    .split(",")
    .map((group) => group.trim())
    .filter(Boolean);
  const unknown = groups.filter((group) => !(CHECK_GROUP_NAMES as string[]).includes(group));
  if (unknown.length > 0 || groups.length === 0) {
    throw new InvalidArgumentError(`expected a comma-separated list of ${CHECK_GROUP_NAMES.join(", ")}, got "${value}"`);
  }
  return groups as CheckGroupName[];
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

const outputsOption = () =>
  new Option(
    "--outputs <path>",
    "the stack's outputs: its folder (cdktf.out/stacks/<stack>), the project folder, or a JSON file from `terraform output -json` / `cdktf output --outputs-file`; default: the deployed stack under ./cdktf.out",
  ).env("NATSMON_OUTPUTS");
const stackOption = () => new Option("--stack <name>", "the stack to use when the outputs hold several");

/** Builds the command line program; `run` does the work of each command. */
export function buildProgram(): Command {
  const program = new Command("natsmon")
    .description("Check, back up and restore a running nats-jetstream-monitoring stack.")
    .version("0.1.0")
    .showHelpAfterError("(run natsmon <command> --help for its options)")
    .exitOverride();

  program
    .command("check")
    .description("check every part of the stack: NATS, Surveyor, exporter, Prometheus, Loki, Grafana; exits 0 only when every check passes")
    .addOption(outputsOption())
    .addOption(stackOption())
    .option("--nats-url <url>", `NATS client URL (default: output ${OUTPUTS.natsUrl}, else ${DEFAULT_TARGETS.natsUrl})`)
    .option("--nats-system-user <user>", `system-account user (default: output ${OUTPUTS.natsSystemUser})`)
    .addOption(
      new Option("--nats-system-password <password>", `system-account password (default: output ${OUTPUTS.natsSystemPassword})`).env(
        "NATSMON_NATS_SYSTEM_PASSWORD",
      ),
    )
    .option(
      "--expected-servers <count>",
      `how many NATS servers the cluster should have (default: length of output ${OUTPUTS.natsServers})`,
      positiveInteger,
    )
    .option("--surveyor-url <url>", `Surveyor (default: output ${OUTPUTS.surveyorUrl}, else ${DEFAULT_TARGETS.surveyorUrl})`)
    .option(
      "--exporter-url <url>",
      `prometheus-nats-exporter (default: output ${OUTPUTS.exporterUrl}, else ${DEFAULT_TARGETS.exporterUrl})`,
    )
    .option("--prometheus-url <url>", `Prometheus (default: output ${OUTPUTS.prometheusUrl}, else ${DEFAULT_TARGETS.prometheusUrl})`)
    .option("--alertmanager-url <url>", `Alertmanager, checked only when known (default: output ${OUTPUTS.alertmanagerUrl})`)
    .option("--loki-url <url>", `Loki (default: output ${OUTPUTS.lokiUrl}, else ${DEFAULT_TARGETS.lokiUrl})`)
    .option("--grafana-url <url>", `Grafana (default: output ${OUTPUTS.grafanaUrl}, else ${DEFAULT_TARGETS.grafanaUrl})`)
    .option("--grafana-user <user>", `Grafana admin user (default: output ${OUTPUTS.grafanaAdminUser})`)
    .addOption(
      new Option("--grafana-password <password>", `Grafana admin password (default: output ${OUTPUTS.grafanaAdminPassword})`).env(
        "NATSMON_GRAFANA_PASSWORD",
      ),
    )
    .option("--only <groups>", `run only these groups, comma-separated: ${CHECK_GROUP_NAMES.join(", ")}`, groupList)
    .option("--timeout <seconds>", "timeout of each check", positiveNumber, 5)
    .option("--json", "print a JSON report instead of the table")
    .option("--no-color", "plain text, no colours (also NO_COLOR=1)")
    .action(async (options) => {
      process.exitCode = await checkCommand({ ...options, color: options.color && pc.isColorSupported });
    });

  program
    .command("backup")
    .description("archive the stack's data volumes into dated tar.gz files (prometheus-YYYYMMDD.tar.gz, ...), consistently")
    .addOption(outputsOption())
    .addOption(stackOption())
    .option("--volume <name>", `a volume to back up; repeat for several (default: output ${OUTPUTS.dataVolumes})`, collect)
    .option("--out <dir>", "where the archives go", "backups")
    .option(
      "--prometheus-url <url>",
      `Prometheus, for its snapshot API (default: output ${OUTPUTS.prometheusUrl}, else ${DEFAULT_TARGETS.prometheusUrl})`,
    )
    .option("--wait-timeout <seconds>", "how long a restarted container may take to turn healthy", positiveNumber, 180)
    .option("--force", "overwrite an archive of the same day")
    .action(async (options) => {
      process.exitCode = await backupCommand(options);
    });

  program
    .command("restore")
    .description("put an archive made by `natsmon backup` back into its volume; refuses a non-empty volume without --force")
    .argument("<archive>", "a .tar.gz made by natsmon backup, e.g. backups/prometheus-20260101.tar.gz")
    .option("--volume <name>", "the volume to restore into (default: from the archive's name)")
    .option("--wait-timeout <seconds>", "how long a restarted container may take to turn healthy", positiveNumber, 180)
    .option("--force", "empty a non-empty volume first (its containers are stopped meanwhile)")
    .action(async (archive: string, options) => {
      process.exitCode = await restoreCommand(archive, options);
    });

  program
    .command("mixin")
    .description(
      "write the alert rules (Prometheus rule file and PrometheusRule manifest) and the dashboards (Grafana JSON) for use outside this stack, e.g. with kube-prometheus",
    )
    .requiredOption("--out <dir>", "the folder to write prometheus/, kubernetes/ and dashboards/ into")
    .option("--preset <name>", "docker (this stack's job names) or nats-helm (the official nats and surveyor Helm charts)", "docker")
    .option("--config <file>", "a JSON alert config (AlertRulesConfig) applied on top of the preset")
    .option("--namespace <name>", "nats-helm: namespace of the nats release", "nats")
    .option("--nats-release <name>", "nats-helm: release name of the nats chart", "nats")
    .option("--surveyor-release <name>", "nats-helm: release name of the surveyor chart", "surveyor")
    .option("--rule-namespace <name>", "metadata.namespace of the PrometheusRule")
    .option(
      "--rule-label <key=value>",
      "a metadata label of the PrometheusRule, repeatable (default: prometheus=k8s, role=alert-rules)",
      collect,
    )
    .action((options) => {
      for (const path of writeMixin(options)) process.stdout.write(`wrote ${path}\n`);
    });

  return program;
}

/** Runs the program; every error ends as a message and exit status 2, never a stack trace. */
export async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; commander already printed its message.
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    const message = error instanceof NatsmonError ? error.message : `unexpected error: ${(error as Error)?.message ?? String(error)}`;
    process.stderr.write(`natsmon: ${message}\n`);
    if (error instanceof NatsmonError && error.fix) process.stderr.write(`  fix: ${error.fix}\n`);
    process.exitCode = EXIT_USAGE;
  }
}

/** True when this file is the program being run (node, tsx or the npm bin link). */
function isEntryPoint(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  await main(process.argv);
  // Every connection is closed by now; if a library still holds a socket
  // open, do not let it keep the command from ending.
  setTimeout(() => process.exit(), 100).unref();
}

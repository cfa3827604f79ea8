#!/usr/bin/env node
/**
 * natsmon: the ops CLI of nats-jetstream-monitoring. `check` tells whether a
 * running stack is healthy, `backup` and `restore` archive its data volumes,
 * `volumes` lists them and removes a kept one when told by name, `rollout`
 * replaces NATS nodes one at a time, `mixin` exports the rules and dashboards
 * for Prometheus setups elsewhere.
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
import { rolloutCommand } from "./rollout/rollout-command.js";
import { DEFAULT_TARGETS } from "./targets.js";
import { volumesCommand, volumesRmCommand } from "./volumes/volumes-command.js";

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

/** A URL flag: a bad one is a usage error (exit 2), not a failed check. */
function urlOf(...protocols: string[]): (value: string) => string {
  return (value) => {
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || !protocols.includes(url.protocol) || url.hostname === "") {
      const schemes = protocols.map((protocol) => `${protocol}//`).join(" or ");
      throw new InvalidArgumentError(`expected a ${schemes} URL with a host, got "${value}"`);
    }
    return value;
  };
}
const httpUrl = urlOf("http:", "https:");

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
    .description(
      "check every part the stack runs (its parts output): NATS, Surveyor, exporter, Prometheus, Loki, Grafana; exits 0 only when every check passes",
    )
    .addOption(outputsOption())
    .addOption(stackOption())
    .option(
      "--nats-url <url>",
      `NATS client URL (default: output ${OUTPUTS.natsUrl}, else ${DEFAULT_TARGETS.natsUrl})`,
      urlOf("nats:", "tls:"),
    )
    .option("--nats-user <user>", `application user the client checks log in with (default: output ${OUTPUTS.natsAppUser}, else anonymous)`)
    .addOption(
      new Option("--nats-password <password>", `application user's password (default: output ${OUTPUTS.natsAppPassword})`).env(
        "NATSMON_NATS_PASSWORD",
      ),
    )
    .option("--nats-ca-file <path>", `PEM file of the CA the servers' TLS certificates come from (default: output ${OUTPUTS.natsCaCert})`)
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
    .option("--surveyor-url <url>", `Surveyor (default: output ${OUTPUTS.surveyorUrl}, else ${DEFAULT_TARGETS.surveyorUrl})`, httpUrl)
    .option(
      "--exporter-url <url>",
      `prometheus-nats-exporter (default: output ${OUTPUTS.exporterUrl}, else ${DEFAULT_TARGETS.exporterUrl})`,
      httpUrl,
    )
    .option(
      "--prometheus-url <url>",
      `Prometheus (default: output ${OUTPUTS.prometheusUrl}, else ${DEFAULT_TARGETS.prometheusUrl})`,
      httpUrl,
    )
    .option("--alertmanager-url <url>", `Alertmanager, checked only when known (default: output ${OUTPUTS.alertmanagerUrl})`, httpUrl)
    .option("--loki-url <url>", `Loki (default: output ${OUTPUTS.lokiUrl}, else ${DEFAULT_TARGETS.lokiUrl})`, httpUrl)
    .option("--grafana-url <url>", `Grafana (default: output ${OUTPUTS.grafanaUrl}, else ${DEFAULT_TARGETS.grafanaUrl})`, httpUrl)
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
      httpUrl,
    )
    .option("--wait-timeout <seconds>", "how long a restarted container may take to turn healthy", positiveNumber, 180)
    .option("--force", "overwrite an archive of the same day")
    .action(async (options) => {
      process.exitCode = await backupCommand(options);
    });

  program
    .command("restore")
    .description(
      "put archives made by `natsmon backup` back into their volumes: reads and checks the whole archive first, keeps the current contents until the part is healthy again, puts them back on any failure or Ctrl-C",
    )
    .argument(
      "<archive...>",
      "a .tar.gz made by natsmon backup, e.g. backups/prometheus-20260101.tar.gz; with --cluster, every JetStream node's archive of one run",
    )
    .option("--volume <name>", "the volume to restore into (default: from the archive's name)")
    .option(
      "--wait-timeout <seconds>",
      "how long a restarted container may take to turn healthy (and a NATS node current)",
      positiveNumber,
      180,
    )
    .option("--force", "restore into a volume that holds data: its containers are stopped meanwhile, its contents kept aside in the volume")
    .option(
      "--allow-mismatch",
      "restore an archive whose manifest names another volume, component or stack, one without a manifest, or (--cluster) archives of different runs",
    )
    .option(
      "--cluster",
      "restore a whole JetStream cluster: every node's archive of one backup run; all nodes stop, are restored and start together",
    )
    .addOption(outputsOption())
    .addOption(stackOption())
    .action(async (archives: string[], options) => {
      process.exitCode = await restoreCommand(archives, options);
    });

  program
    .command("rollout")
    .description(
      "apply a change that replaces NATS nodes one node at a time: followers first, the meta leader last after a step-down, each node healthy and current before the next, then the rest of the plan",
    )
    .addOption(outputsOption())
    .addOption(stackOption())
    .option("--stack-dir <dir>", "the synthesized stack folder Terraform runs in (default: cdktf.out/stacks/<stack>)")
    .option("--plan <file>", "read this plan (`terraform show -json PLANFILE`) instead of planning")
    .option("--plan-file <name>", "the saved plan's file name inside the stack folder", "natsmon-rollout.tfplan")
    .option("--dry-run", "print the order and the exact terraform commands; change nothing")
    .option("--node-timeout <seconds>", "how long a replaced node may take to be healthy and current", positiveNumber, 300)
    .option("--terraform <path>", "the terraform binary", "terraform")
    .option("--nats-url <url>", `NATS client URL (default: output ${OUTPUTS.natsUrl}, else ${DEFAULT_TARGETS.natsUrl})`)
    .option("--nats-system-user <user>", `system-account user (default: output ${OUTPUTS.natsSystemUser})`)
    .addOption(
      new Option("--nats-system-password <password>", `system-account password (default: output ${OUTPUTS.natsSystemPassword})`).env(
        "NATSMON_NATS_SYSTEM_PASSWORD",
      ),
    )
    .action(async (options) => {
      process.exitCode = await rolloutCommand(options);
    });

  const volumes = program
    .command("volumes")
    .description("list the stack's data volumes on the engine, the kept ones no configuration declares any more included")
    .addOption(outputsOption())
    .addOption(stackOption())
    .option("--prefix <prefix>", 'the stack\'s volume-name prefix, e.g. "prod-" (default: read from output nats_servers, else none)')
    .option("--json", "print JSON instead of lines")
    .action(async (options) => {
      process.exitCode = await volumesCommand(options);
    });
  volumes
    .command("rm")
    .description("delete one kept volume and its data, for good; refuses a volume the configuration declares or a container mounts")
    .argument("<name>", "the volume, as `natsmon volumes` lists it")
    .addOption(outputsOption())
    .addOption(stackOption())
    .option("--prefix <prefix>", "the stack's volume-name prefix (default: read from output nats_servers, else none)")
    // The parent `volumes` declares the same options and would take them: read both.
    .action(async (name: string, _options, command: Command) => {
      process.exitCode = await volumesRmCommand(name, command.optsWithGlobals());
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

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { OUTPUTS } from "../../contract/index.js";
import { NatsmonError } from "../natsmon-error.js";
import { loadOutputs } from "../outputs.js";
import { resolveTargets, type StackTargets, type TargetFlags } from "../targets.js";
import { type JetStreamCluster, SystemAccountCluster, type SystemAccountOptions } from "./jetstream-cluster.js";
import type { PlanJson } from "./plan-json.js";
import { requireRolloutSynth } from "./replacement-guard.js";
import { rollout } from "./rollout.js";
import { spawnTerraform } from "./terraform-cli.js";

/** Options of `natsmon rollout`, as commander hands them over. */
export interface RolloutCommandOptions extends Pick<TargetFlags, "natsUrl" | "natsSystemUser" | "natsSystemPassword"> {
  readonly outputs?: string;
  readonly stack?: string;
  readonly stackDir?: string;
  readonly plan?: string;
  readonly planFile: string;
  readonly dryRun?: boolean;
  /** Seconds a replaced node may take to be current. */
  readonly nodeTimeout: number;
  readonly terraform: string;
}

/** The synthesized stack folder: --stack-dir, else cdktf.out/stacks/<--stack>, else the only stack there. */
export function stackFolder(options: Pick<RolloutCommandOptions, "stackDir" | "stack">, cwd = process.cwd()): string {
  if (options.stackDir) return options.stackDir;
  const stacks = join("cdktf.out", "stacks");
  if (options.stack) return join(stacks, options.stack);
  const found = existsSync(join(cwd, stacks)) ? readdirSync(join(cwd, stacks)) : [];
  if (found.length === 1) return join(stacks, found[0] as string);
  throw new NatsmonError(
    found.length === 0 ? `no synthesized stack under ${stacks}` : `several stacks under ${stacks}: ${found.join(", ")}`,
    found.length === 0 ? "run `npx cdktf synth` first, or pass --stack-dir" : "pass --stack <name> or --stack-dir",
  );
}

function readPlanJson(path: string): PlanJson {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as PlanJson;
  } catch (error) {
    throw new NatsmonError(
      `cannot read the plan ${path}: ${(error as Error).message}`,
      "write it with `terraform show -json PLANFILE > FILE`",
    );
  }
}

/**
 * How the rollout reaches the cluster: every node's URL on a stack over
 * several hosts (the client keeps to them while each node is replaced in
 * turn; Terraform replaces each node through its own host's provider), and
 * TLS with the stack's CA when the client port requires it.
 */
export function rolloutConnection(targets: StackTargets, user: string, password: string): SystemAccountOptions {
  return {
    url: targets.natsUrls ?? targets.natsUrl,
    user,
    password,
    ...(targets.natsCaCert ? { ca: targets.natsCaCert } : {}),
  };
}

/** Runs `natsmon rollout`; returns the exit status. */
export async function rolloutCommand(options: RolloutCommandOptions): Promise<number> {
  const stackDir = stackFolder(options);
  if (!options.plan) requireRolloutSynth(stackDir);
  const outputs = await loadOutputs(options.outputs ?? (existsSync(stackDir) ? stackDir : undefined), { stack: options.stack });
  const targets = resolveTargets(outputs.values, options);
  let cluster: JetStreamCluster | undefined;
  if (targets.natsSystemUser && targets.natsSystemPassword) {
    try {
      cluster = await SystemAccountCluster.connect(rolloutConnection(targets, targets.natsSystemUser, targets.natsSystemPassword));
    } catch (error) {
      if (!options.dryRun)
        throw new NatsmonError(
          `cannot connect to ${targets.natsUrls?.join(",") ?? targets.natsUrl} as ${targets.natsSystemUser}: ${(error as Error).message}`,
          "start the cluster or pass --nats-url",
        );
    }
  } else if (!options.dryRun) {
    throw new NatsmonError(
      "no system-account credentials: the rollout asks every server whether it is current",
      `pass --outputs (the stack's ${OUTPUTS.natsSystemUser} and ${OUTPUTS.natsSystemPassword}) or --nats-system-user and NATSMON_NATS_SYSTEM_PASSWORD`,
    );
  }
  try {
    await rollout(
      spawnTerraform(options.terraform),
      cluster,
      {
        stackDir,
        planFile: options.planFile,
        planJson: options.plan ? readPlanJson(options.plan) : undefined,
        dryRun: options.dryRun ?? false,
        nodeTimeoutMs: options.nodeTimeout * 1000,
        pollMs: 2000,
        rerun: `run natsmon rollout${options.stackDir ? ` --stack-dir ${options.stackDir}` : ""} again`,
      },
      (line) => process.stdout.write(`${line}\n`),
    );
  } finally {
    await cluster?.close();
  }
  return 0;
}

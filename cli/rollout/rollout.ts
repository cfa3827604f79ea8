import { NatsmonError } from "../natsmon-error.js";
import type { JetStreamCluster } from "./jetstream-cluster.js";
import { natsNodeChanges, natsNodeCount, type PlanJson, type PlannedNode, planHasChanges } from "./plan-json.js";
import { rolloutOrder } from "./rollout-order.js";
import { scaleIn } from "./scale-in.js";
import { shellLine, type TerraformCli, terraformCommands } from "./terraform-cli.js";

/** What a rollout works on and how long it waits. */
export interface RolloutSettings {
  /** The synthesized stack folder, e.g. `cdktf.out/stacks/nats-monitoring`; every command runs with -chdir to it. */
  readonly stackDir: string;
  /** The saved plan's file name, relative to stackDir. */
  readonly planFile: string;
  /** An existing `terraform show -json` of a plan, read instead of planning. */
  readonly planJson?: PlanJson;
  /** Print the order and the commands, change nothing. */
  readonly dryRun: boolean;
  /** How long a replaced node may take to be healthy and current again. */
  readonly nodeTimeoutMs: number;
  /** Between two questions to the cluster. */
  readonly pollMs: number;
  /** How to run this rollout again, for the resume hint. */
  readonly rerun: string;
}

/** Where the rollout's output goes: one line per step. */
export type RolloutLog = (line: string) => void;

/** What the rollout did, for the caller and the tests. */
export interface RolloutResult {
  /** The replaced nodes, in the order they went. */
  readonly order: readonly string[];
  /** Whether the rest of the plan was applied (false on a dry run or when nothing was left). */
  readonly appliedRest: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function planJson(terraform: TerraformCli, settings: RolloutSettings): Promise<PlanJson> {
  await terraform.run(terraformCommands.plan(settings.stackDir, settings.planFile));
  return JSON.parse(await terraform.run(terraformCommands.show(settings.stackDir, settings.planFile))) as PlanJson;
}

/** Polls `question` until it answers undefined (done) or the time is up; the last answer on timeout. */
async function waitUntil(question: () => Promise<string | undefined>, timeoutMs: number, pollMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const problem = await question();
    if (problem === undefined) return undefined;
    if (Date.now() + pollMs > deadline) return problem;
    await sleep(pollMs);
  }
}

/**
 * Applies a plan that replaces NATS nodes one node at a time: the order
 * (followers first, the meta leader last after it stepped down), and for
 * each node a targeted apply, then a wait until it is healthy and every
 * replica on it is current. Before each node it checks that the nodes it
 * already replaced are still current, so a failure always stops with the
 * cluster able to lose the next node. Then it plans again (the first plan
 * is stale after targeted applies) and applies the rest.
 */
export async function rollout(
  terraform: TerraformCli,
  cluster: JetStreamCluster | undefined,
  settings: RolloutSettings,
  log: RolloutLog,
): Promise<RolloutResult> {
  const plan = settings.planJson ?? (await planJson(terraform, settings));
  const changes = natsNodeChanges(plan);
  if (changes.removed.length > 0) {
    const remaining = natsNodeCount(plan) - changes.removed.length;
    log(`scale-in: ${changes.removed.map((node) => node.name).join(", ")} leave the cluster; ${remaining} node(s) remain`);
    if (settings.dryRun) {
      for (const node of changes.removed) {
        log(`  ${node.name}: $JS.API.ACCOUNT.STREAM.MOVE.<account>.<stream> for each stream on it, wait until current elsewhere`);
        log(`  ${node.name}: ${shellLine(terraformCommands.applyTarget(settings.stackDir, node.address))}`);
        log(`  ${node.name}: $JS.API.SERVER.REMOVE`);
      }
    } else {
      if (!cluster) throw new Error("a scale-in needs the cluster connection");
      await scaleIn(terraform, cluster, changes.removed, remaining, settings, log);
    }
  }
  const leader = cluster ? await cluster.metaLeader() : undefined;
  const order = rolloutOrder(changes.replaced, leader);
  const names = order.map((node) => node.name);
  if (order.length === 0) log("no NATS node is replaced by this plan");
  else
    log(
      `${order.length} NATS node(s) to replace, one at a time: ${names.join(" -> ")}${leader ? ` (meta leader: ${leader})` : " (meta leader unknown)"}`,
    );

  if (settings.dryRun) {
    for (const node of order) {
      if (node.name === leader) log(`  ${node.name}: $JS.API.META.LEADER.STEPDOWN, wait for another meta leader`);
      log(`  ${node.name}: ${shellLine(terraformCommands.applyTarget(settings.stackDir, node.address))}`);
      log(`  ${node.name}: wait until healthy and every stream and consumer replica on it is current`);
    }
    log(`  then: ${shellLine(terraformCommands.plan(settings.stackDir, settings.planFile))}`);
    log(`  then: ${shellLine(terraformCommands.applyPlan(settings.stackDir, settings.planFile))}`);
    return { order: names, appliedRest: false };
  }
  if (order.length > 0 && !cluster) throw new Error("a rollout that replaces nodes needs the cluster connection");

  const done: string[] = [];
  for (const [index, node] of order.entries()) {
    const step = `[${index + 1}/${order.length}] ${node.name}`;
    const context = { order, done, gone: changes.removed.map((removed) => removed.name) };
    await replaceNode(terraform, cluster as JetStreamCluster, node, context, settings, (line) => log(`${step}: ${line}`));
    done.push(node.name);
  }

  const touched = order.length > 0 || changes.removed.length > 0;
  const rest = touched || settings.planJson ? await planJson(terraform, settings) : plan;
  const left = natsNodeChanges(rest).replaced;
  if (left.length > 0) {
    throw new NatsmonError(
      `after the rollout the plan still replaces ${left.map((node) => node.name).join(", ")}`,
      `look at the plan (terraform -chdir=${settings.stackDir} plan): something replaces the nodes on every apply; then ${settings.rerun}`,
    );
  }
  if (!planHasChanges(rest)) {
    log("nothing else to apply");
    return { order: names, appliedRest: false };
  }
  log("applying the rest of the plan");
  await terraform.run(terraformCommands.applyPlan(settings.stackDir, settings.planFile));
  log("done");
  return { order: names, appliedRest: true };
}

async function replaceNode(
  terraform: TerraformCli,
  cluster: JetStreamCluster,
  node: PlannedNode,
  { order, done, gone }: { order: readonly PlannedNode[]; done: readonly string[]; gone: readonly string[] },
  settings: RolloutSettings,
  log: RolloutLog,
): Promise<void> {
  const resume = `the nodes replaced so far (${done.join(", ") || "none"}) are done; fix the cause, then ${settings.rerun}: replaced nodes no longer appear in the plan`;
  // Never take a node down while another one is not current: the cluster
  // would lose a quorum or a stream its last current replica.
  // Every server of the meta group, so a resumed rollout also waits for the nodes replaced in an earlier run.
  const others = new Set([...(await cluster.servers()), ...order.map((planned) => planned.name)]);
  others.delete(node.name);
  // Nodes a scale-in just removed may still be listed as offline peers for a moment.
  for (const name of gone) others.delete(name);
  for (const other of [...others].sort((a, b) => a.localeCompare(b, "en", { numeric: true }))) {
    const problem = await waitUntil(() => cluster.notCurrent(other), settings.nodeTimeoutMs, settings.pollMs);
    if (problem) throw new NatsmonError(`not replacing ${node.name}: ${other} is not current (${problem})`, resume);
  }
  if ((await cluster.metaLeader()) === node.name) {
    log("meta leader: asking it to step down");
    await cluster.stepDownMetaLeader();
    const problem = await waitUntil(
      async () => {
        const now = await cluster.metaLeader();
        return now && now !== node.name ? undefined : `meta leader is ${now ?? "none"}`;
      },
      settings.nodeTimeoutMs,
      settings.pollMs,
    );
    if (problem) throw new NatsmonError(`not replacing ${node.name}: it is still the meta leader after the step-down (${problem})`, resume);
    log(`meta leader is now ${await cluster.metaLeader()}`);
  }
  const command = terraformCommands.applyTarget(settings.stackDir, node.address);
  log(`replacing: ${shellLine(command)}`);
  const started = Date.now();
  await terraform.run(command);
  log("applied; waiting until it is healthy and its replicas are current");
  const problem = await waitUntil(() => cluster.notCurrent(node.name), settings.nodeTimeoutMs, settings.pollMs);
  if (problem) {
    throw new NatsmonError(
      `${node.name} was replaced but is not current after ${Math.round(settings.nodeTimeoutMs / 1000)} s (${problem}); the next node was not touched`,
      `read its log (docker logs ${node.name}); ${resume}`,
    );
  }
  log(`current after ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

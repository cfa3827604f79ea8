import { NatsmonError } from "../natsmon-error.js";
import type { JetStreamCluster } from "./jetstream-cluster.js";
import type { PlannedNode } from "./plan-json.js";
import type { RolloutLog, RolloutSettings } from "./rollout.js";
import { shellLine, type TerraformCli, terraformCommands } from "./terraform-cli.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `question` answers undefined; the last answer when the time is up. */
async function waitUntil(question: () => Promise<string | undefined>, timeoutMs: number, pollMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const problem = await question();
    if (problem === undefined || Date.now() + pollMs > deadline) return problem;
    await sleep(pollMs);
  }
}

/**
 * Scale-in, before Terraform removes nodes: refuses when a stream has more
 * replicas than nodes remain (naming the streams); otherwise, for each
 * removed node (the last first: later nodes depend on earlier ones), moves
 * every stream replica off it (the meta leader places a new one on a
 * remaining node; consumers follow their stream), waits until the groups are
 * current without it, lets the meta leader step down if it is the one,
 * destroys its container with a targeted apply and removes it from the meta
 * group. Its volume stays: the stack's removed blocks forget it.
 */
export async function scaleIn(
  terraform: TerraformCli,
  cluster: JetStreamCluster,
  removed: readonly PlannedNode[],
  remainingNodes: number,
  settings: RolloutSettings,
  log: RolloutLog,
): Promise<void> {
  const gone = new Set(removed.map((node) => node.name));
  const tooWide = (await cluster.streamGroups()).filter((group) => group.members.length > remainingNodes);
  if (tooWide.length > 0) {
    throw new NatsmonError(
      `scaling in to ${remainingNodes} node(s) would leave streams with fewer nodes than replicas: ${tooWide.map((g) => `${g.stream} (R${g.members.length})`).join(", ")}`,
      `lower their replicas first (nats stream edit STREAM --replicas ${remainingNodes}), then run natsmon rollout again`,
    );
  }
  const order = [...removed].sort((a, b) => b.name.localeCompare(a.name, "en", { numeric: true }));
  for (const [index, node] of order.entries()) {
    const say = (line: string) => log(`[scale-in ${index + 1}/${order.length}] ${node.name}: ${line}`);
    const resume = `fix the cause, then ${settings.rerun}: nodes already removed no longer appear in the plan`;
    for (const group of (await cluster.streamGroups()).filter((g) => g.members.includes(node.name))) {
      say(`moving stream ${group.stream}'s replica off it`);
      await cluster.moveStreamReplica(group, node.name);
    }
    const moved = await waitUntil(
      async () => {
        const still = (await cluster.streamGroups()).filter((g) => g.members.includes(node.name)).map((g) => g.stream);
        if (still.length > 0) return `streams still on it: ${still.join(", ")}`;
        for (const other of (await cluster.streamGroups()).flatMap((g) => g.members)) {
          if (gone.has(other)) continue;
          const problem = await cluster.notCurrent(other);
          if (problem) return problem;
        }
        return undefined;
      },
      settings.nodeTimeoutMs,
      settings.pollMs,
    );
    if (moved) throw new NatsmonError(`not removing ${node.name}: its replicas did not move or catch up (${moved})`, resume);
    if ((await cluster.metaLeader()) === node.name) {
      say("meta leader: asking it to step down");
      await cluster.stepDownMetaLeader();
      const other = await waitUntil(
        async () => ((await cluster.metaLeader()) === node.name ? "still the meta leader" : undefined),
        settings.nodeTimeoutMs,
        settings.pollMs,
      );
      if (other) throw new NatsmonError(`not removing ${node.name}: it is still the meta leader after the step-down`, resume);
    }
    const command = terraformCommands.applyTarget(settings.stackDir, node.address);
    say(`removing: ${shellLine(command)}`);
    await terraform.run(command);
    say("removing it from the meta group ($JS.API.SERVER.REMOVE)");
    await cluster.removePeer(node.name);
  }
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveNode, natsNodesOf, synthLivePlan } from "./live-plan.js";
import { PlanReplayer } from "./plan-replayer.js";
import { docker, requireTestbed, TESTBED_IMAGES } from "./testbed.js";
import { getJson, waitFor } from "./wait.js";

/**
 * `nats: { nodes: 5 }`: nodes 4 and 5 route only to the three seeds, and
 * gossip must complete the mesh.
 */
describe("a 5-node NATS cluster on a real Docker engine", () => {
  let nodes: LiveNode[];
  let replayer: PlanReplayer;

  beforeAll(async () => {
    await requireTestbed();
    const plan = synthLivePlan({ nats: { nodes: 5 } });
    nodes = natsNodesOf(plan);
    replayer = await PlanReplayer.start(docker, plan, TESTBED_IMAGES);
    await replayer.apply(nodes.map((node) => node.name));
  });

  afterAll(async () => {
    await replayer?.cleanup();
  });

  it("forms a full mesh with one meta leader of cluster size 5", async () => {
    expect(nodes).toHaveLength(5);
    for (const node of nodes) {
      await waitFor(
        `${node.name} to route to the 4 others`,
        async () => ((await getJson(`${node.monitorUrl}/routez`)).num_routes === 4 ? true : undefined),
        { timeoutMs: 30_000 },
      );
    }
    const metas = await waitFor(
      "every node to agree on a meta leader",
      async () => {
        const all = await Promise.all(nodes.map(async (node) => (await getJson(`${node.monitorUrl}/jsz`)).meta_cluster));
        if (all.every((meta) => meta?.leader && meta.leader === all[0].leader)) return all;
        throw new Error(`leaders seen: ${all.map((meta, i) => `${nodes[i].name}->${meta?.leader ?? "none"}`).join(", ")}`);
      },
      { timeoutMs: 60_000 },
    );
    expect(metas.map((meta) => meta.cluster_size)).toEqual([5, 5, 5, 5, 5]);
    for (const node of nodes) {
      expect((await docker.getContainer(node.name).inspect()).State.Health?.Status, node.name).toBe("healthy");
    }
  });
});

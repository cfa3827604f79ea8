import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_IMAGES } from "../../constructs/images.js";
import { imageReleaseVersion } from "../../constructs/private/image-version.js";
import { type LiveNode, natsNodesOf, synthLivePlan } from "./live-plan.js";
import { PlanReplayer } from "./plan-replayer.js";
import { routedPeers } from "./routes.js";
import { docker, requireTestbed, TESTBED_IMAGES } from "./testbed.js";
import { getJson, waitFor } from "./wait.js";

/**
 * `nats: { nodes: 5 }` on the pinned nats-server: nodes 4 and 5 route only
 * to the three seeds, and gossip must complete the mesh; they start only
 * after the seeds' readiness probe passed, so they join one meta group.
 */
describe("a 5-node NATS cluster on a real Docker engine", () => {
  let nodes: LiveNode[];
  let replayer: PlanReplayer;
  let seedLeaders: (string | undefined)[];

  beforeAll(async () => {
    await requireTestbed();
    const plan = synthLivePlan({ nats: { nodes: 5 } });
    nodes = natsNodesOf(plan);
    replayer = await PlanReplayer.start(docker, plan, TESTBED_IMAGES);
    // The seeds first, as the plan's depends_on orders them: once the plan's
    // probe calls them healthy, they must have elected a meta leader, before
    // nodes 4 and 5 start.
    await replayer.apply(nodes.slice(0, 3).map((node) => node.name));
    seedLeaders = await Promise.all(nodes.slice(0, 3).map(async (node) => (await getJson(`${node.monitorUrl}/jsz`)).meta_cluster?.leader));
    await replayer.apply(nodes.slice(3).map((node) => node.name));
  });

  afterAll(async () => {
    await replayer?.cleanup();
  });

  it("runs the pinned nats-server, and starts nodes 4 and 5 only once the healthy seeds agree on a meta leader", async () => {
    expect((await getJson(`${nodes[0].monitorUrl}/varz`)).version).toBe(imageReleaseVersion(DEFAULT_IMAGES.nats)?.join("."));
    expect(seedLeaders[0], "a meta leader when the seeds turned healthy").toMatch(/^live-nats-node[123]$/);
    expect(seedLeaders).toEqual([seedLeaders[0], seedLeaders[0], seedLeaders[0]]);
  });

  it("forms a full mesh with one meta leader of cluster size 5", async () => {
    expect(nodes).toHaveLength(5);
    for (const node of nodes) {
      await waitFor(
        `${node.name} to route to the 4 others`,
        async () => (routedPeers(await getJson(`${node.monitorUrl}/routez`)) === 4 ? true : undefined),
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

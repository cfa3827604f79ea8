import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_IMAGES } from "../../constructs/images.js";
import { imageReleaseVersion } from "../../constructs/private/image-version.js";
import type { Plan, PlanResource } from "../helpers/plan.js";
import { type LiveNode, natsNodesOf, synthLivePlan } from "./live-plan.js";
import { PlanReplayer } from "./plan-replayer.js";
import { DEBIAN_NATS_REFERENCE, docker, execIn, requireTestbed, TESTBED_IMAGES } from "./testbed.js";
import { getJson, sleep, waitFor } from "./wait.js";

/**
 * The NATS readiness probe means what the docs promise, "in contact with the
 * meta leader", on the pinned nats-server (built from its Go module) and on
 * Debian's 2.9.10: one seed of a 3-node plan, started alone, has no meta
 * leader and must not turn healthy; with the other seeds it must. On 2.14,
 * `js-server-only` (the probe before this fix) passes with no leader at all.
 */
describe.each([
  { image: DEFAULT_IMAGES.nats, version: "pinned", serverOnlyPassesWithoutLeader: true },
  { image: DEBIAN_NATS_REFERENCE, version: "Debian 2.9.10", serverOnlyPassesWithoutLeader: false },
])("NATS readiness on $image ($version)", ({ image, serverOnlyPassesWithoutLeader }) => {
  let plan: Plan;
  let nodes: LiveNode[];
  let replayer: PlanReplayer;
  let probe: string[];

  beforeAll(async () => {
    await requireTestbed();
    plan = synthLivePlan({ nats: { nodes: 3, natsBox: false, image } });
    nodes = natsNodesOf(plan);
    const seed = containerOf(plan, nodes[0].name);
    probe = (seed.healthcheck as { test: string[] }).test.slice(1);
    // The lone seed is started without waiting for its health, which must not come.
    seed.wait = false;
    replayer = await PlanReplayer.start(docker, plan, TESTBED_IMAGES);
    await replayer.apply([nodes[0].name]);
    await waitFor("the lone seed to serve its monitoring port", () => getJson(`${nodes[0].monitorUrl}/varz`), { timeoutMs: 30_000 });
  });

  afterAll(async () => {
    await replayer?.cleanup();
  });

  it("keeps a seed without a meta leader unready, and makes it ready once the seeds elect one", async () => {
    const { version } = await getJson(`${nodes[0].monitorUrl}/varz`);
    expect(version, "the server runs the version the plan's image names").toBe(imageReleaseVersion(image)?.join("."));
    // Several probes over a few seconds: it stays unready while it is alone.
    for (let attempt = 0; attempt < 3; attempt++) {
      const jsz = await getJson(`${nodes[0].monitorUrl}/jsz`);
      expect(jsz.meta_cluster?.leader ?? "", "no meta leader without a quorum").toBe("");
      const result = await execIn(nodes[0].name, probe);
      expect(result.exitCode, `the plan's probe ${probe.join(" ")} passed without a meta leader`).not.toBe(0);
      await sleep(1_000);
    }
    // What the old probe said on this version, with no leader.
    const serverOnly = await execIn(nodes[0].name, ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8222/healthz?js-server-only=true"]);
    expect(serverOnly.exitCode === 0).toBe(serverOnlyPassesWithoutLeader);

    await replayer.apply(nodes.slice(1).map((node) => node.name));
    await waitFor(
      "the plan's probe to pass on the first seed",
      async () => ((await execIn(nodes[0].name, probe)).exitCode === 0 ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    const leader = (await getJson(`${nodes[0].monitorUrl}/jsz`)).meta_cluster?.leader;
    expect(nodes.map((node) => node.name)).toContain(leader);
  });
});

function containerOf(plan: Plan, name: string): PlanResource {
  const found = Object.values(plan.resource.docker_container ?? {}).find((c) => c.name === name);
  if (!found) throw new Error(`the plan has no container ${name}`);
  return found;
}

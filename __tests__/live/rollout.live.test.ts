import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AckPolicy, type JetStreamManager, jetstream, jetstreamManager, StorageType } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SystemAccountCluster } from "../../cli/rollout/jetstream-cluster.js";
import { type RolloutResult, rollout } from "../../cli/rollout/rollout.js";
import type { NatsMonitoringStackProps } from "../../constructs/nats-monitoring-stack.js";
import type { Plan } from "../helpers/plan.js";
import { hasTool } from "../helpers/tools.js";
import { recordFigures } from "./figures.js";
import { type LiveNode, natsNodesOf, synthLivePlan } from "./live-plan.js";
import { LiveTerraformCli } from "./live-terraform.js";
import { appLogin, connectToNodes, readStream } from "./nats-client.js";
import { PlanReplayer } from "./plan-replayer.js";
import { SteadyPublisher } from "./steady-load.js";
import { docker, LIVE_LABEL, LIVE_LABEL_VALUE, requireTestbed, TESTBED_IMAGES } from "./testbed.js";
import { getJson, sleep, waitFor } from "./wait.js";

/**
 * The issue's live proof of `natsmon rollout`: the real orchestration code
 * (cli/rollout/rollout.ts, scale-in.ts) with the real system-account client,
 * driving real Terraform over the offline emulation, while the engine
 * follows each apply (LiveTerraformCli: a destroyed node container is
 * stopped through lame duck and removed, a created one replayed from the new
 * plan). Under steady acknowledged publish load to an R3 file stream and an
 * R3 memory stream, each with a consumer working: a config change and an
 * image change over 3 nodes, an image change over 5 nodes, a scale-in 5 -> 3.
 */

/** A second local image for "the next nats-server image": the testbed's 2.14.9 with one more layer of metadata, so a new image id. */
const NEXT_IMAGE = "nats:2.14.9";
const NEXT_LOCAL = "natsmon-testbed/nats:2.14.9-rollout-next";
const IMAGES = { ...TESTBED_IMAGES, [NEXT_IMAGE]: NEXT_LOCAL };

const STREAMS = [
  { name: "ROLL_FILE", subject: "roll.file", storage: StorageType.File },
  { name: "ROLL_MEM", subject: "roll.mem", storage: StorageType.Memory },
] as const;
const CONSUMER = "WORKER";

const round = (seconds: number) => Math.round(seconds * 10) / 10;

/** Makes NEXT_LOCAL: a commit of a never-started container of the testbed image, with a label added. */
async function makeNextImage(): Promise<void> {
  const base = TESTBED_IMAGES["nats:2.14.9-alpine"];
  if (!base) throw new Error("the testbed has no nats:2.14.9-alpine stand-in");
  const container = await docker.createContainer({ Image: base, Labels: { [LIVE_LABEL]: LIVE_LABEL_VALUE } });
  try {
    const [repo, tag] = NEXT_LOCAL.split(":") as [string, string];
    await container.commit({ repo, tag, changes: "LABEL natsmon.rollout-test=next" });
  } finally {
    await container.remove({ force: true });
  }
}

/** A consumer that keeps pulling and acking while the cluster changes: bounded by `stop()` and a batch count. */
class Worker {
  consumed = 0;
  private stopped = false;
  private readonly loop: Promise<void>;
  constructor(nc: NatsConnection, stream: string) {
    this.loop = (async () => {
      const consumer = await jetstream(nc).consumers.get(stream, CONSUMER);
      for (let batchNo = 0; batchNo < 100_000 && !this.stopped; batchNo++) {
        try {
          const batch = await consumer.fetch({ max_messages: 200, expires: 1_000 });
          for await (const msg of batch) {
            msg.ack();
            this.consumed++;
          }
        } catch {
          await sleep(200); // No leader for a moment: ask again.
        }
      }
    })();
  }
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

/** One running cluster: the engine, the emulated state, the clients, everything acknowledged so far. */
interface Cluster {
  nodes: LiveNode[];
  replayer: PlanReplayer;
  terraform: LiveTerraformCli;
  nc: NatsConnection;
  jsm: JetStreamManager;
  sys: SystemAccountCluster;
  acked: Map<string, Map<number, string>>;
  unacked: number;
}

async function startCluster(props: NatsMonitoringStackProps): Promise<Cluster> {
  const plan = synthLivePlan(props);
  const nodes = natsNodesOf(plan);
  const replayer = await PlanReplayer.start(docker, plan, IMAGES);
  try {
    return await startedCluster(plan, nodes, replayer);
  } catch (error) {
    await replayer.cleanup();
    throw error;
  }
}

async function startedCluster(plan: Plan, nodes: LiveNode[], replayer: PlanReplayer): Promise<Cluster> {
  await replayer.apply(nodes.map((node) => node.name));
  const terraform = new LiveTerraformCli(mkdtempSync(join(tmpdir(), "natsmon-rollout-live-")), {
    plan,
    replayer,
    running: nodes.map((node) => node.name),
  });
  const nc = await connectToNodes(nodes, await appLogin(replayer));
  const jsm = await jetstreamManager(nc);
  for (const stream of STREAMS) {
    await waitFor(
      `stream ${stream.name} created`,
      () => jsm.streams.add({ name: stream.name, subjects: [stream.subject], num_replicas: 3, storage: stream.storage }),
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    await jsm.consumers.add(stream.name, { durable_name: CONSUMER, ack_policy: AckPolicy.Explicit, ack_wait: 5_000_000_000 });
  }
  const sys = await SystemAccountCluster.connect({
    url: nodes.map((node) => node.clientUrl),
    user: await replayer.output("nats_system_user"),
    password: await replayer.output("nats_system_password"),
  });
  return { nodes, replayer, terraform, nc, jsm, sys, acked: new Map(STREAMS.map((s) => [s.name, new Map()])), unacked: 0 };
}

async function stopCluster(cluster: Cluster | undefined): Promise<void> {
  await cluster?.sys.close().catch(() => undefined);
  await cluster?.nc.close().catch(() => undefined);
  await cluster?.replayer.cleanup();
  if (cluster) rmSync(cluster.terraform.dir, { recursive: true, force: true });
}

/** What one case measured. */
interface CaseOutcome {
  result: RolloutResult;
  lost: number;
  maxGapS: number;
  log: string[];
}

/**
 * Runs the rollout of `next` under load and checks what the issue asks:
 * nothing acknowledged lost in either stream (ever, in this cluster), the
 * stream and consumer groups on `remaining` with every replica current, the
 * meta group exactly `remaining`.
 */
async function rolloutUnderLoad(
  cluster: Cluster,
  label: string,
  next: NatsMonitoringStackProps,
  remaining: string[],
): Promise<CaseOutcome> {
  cluster.terraform.synthesize(synthLivePlan(next));
  const js = jetstream(cluster.nc);
  const publishers = STREAMS.map(
    (stream) =>
      new SteadyPublisher(js, stream.subject, `${label}-${stream.name}`, { maxMessages: 50_000, paceMs: 20, retryWithinMs: 30_000 }),
  );
  const workers = STREAMS.map((stream) => new Worker(cluster.nc, stream.name));
  const log: string[] = [];
  let result: RolloutResult;
  try {
    await sleep(3_000); // Load before the first node goes.
    result = await rollout(
      cluster.terraform,
      cluster.sys,
      {
        stackDir: "cdktf.out/stacks/live",
        planFile: "natsmon-rollout.tfplan",
        dryRun: false,
        nodeTimeoutMs: 180_000,
        pollMs: 1_000,
        rerun: "run the rollout again",
      },
      (line) => {
        log.push(line);
        console.log(`[${label}] ${line}`);
      },
    );
    await sleep(3_000); // And after the last.
  } finally {
    await Promise.all(publishers.map((publisher) => publisher.stop()));
  }

  let lost = 0;
  for (const [index, stream] of STREAMS.entries()) {
    const publisher = publishers[index] as SteadyPublisher;
    const acked = cluster.acked.get(stream.name) as Map<number, string>;
    for (const [seq, id] of publisher.acked) acked.set(seq, id);
    cluster.unacked += publisher.unacked;
    const { state } = await waitFor(`${stream.name} info`, () => cluster.jsm.streams.info(stream.name), { timeoutMs: 60_000 });
    const stored = await readStream(cluster.nc, stream.name, state.messages);
    const missing = [...acked].filter(([seq, id]) => stored.get(seq) !== id).length;
    console.log(
      `[${label}] ${stream.name}: ${publisher.acked.size} acked in this case, ${acked.size} in all, ${state.messages} stored, ${missing} lost, longest gap ${publisher.maxGapMs} ms, ${publisher.unacked} given up`,
    );
    lost += missing;
    // Retries carry a message id, so nothing is stored twice; only a publish given up on may be stored unacknowledged.
    expect(state.messages - acked.size).toBeGreaterThanOrEqual(0);
    expect(state.messages - acked.size).toBeLessThanOrEqual(cluster.unacked);
  }
  const maxGapS = round(Math.max(...publishers.map((publisher) => publisher.maxGapMs)) / 1000);
  // Where the longest gaps fell: which engine step was under way when they ended.
  for (const step of cluster.terraform.steps) console.log(`[${label}] engine: ${step.action} ${step.name} took ${round(step.ms / 1000)} s`);
  for (const [index, publisher] of publishers.entries()) {
    const step = [...cluster.terraform.steps].reverse().find((s) => s.at <= publisher.maxGapEndedAt);
    const during =
      step && publisher.maxGapEndedAt <= step.at + step.ms
        ? `during ${step.action} ${step.name}`
        : `after ${step ? `${step.action} ${step.name}` : "no step"}`;
    console.log(`[${label}] ${STREAMS[index]?.name}: longest gap ${publisher.maxGapMs} ms, ended ${during}`);
  }

  // The consumers survived and caught up: nothing pending, nothing unacknowledged.
  for (const stream of STREAMS) {
    await waitFor(
      `consumer ${stream.name} > ${CONSUMER} to catch up`,
      async () => {
        const info = await cluster.jsm.consumers.info(stream.name, CONSUMER);
        if (info.num_pending === 0 && info.num_ack_pending === 0) return true;
        throw new Error(`pending ${info.num_pending}, ack pending ${info.num_ack_pending}`);
      },
      { timeoutMs: 90_000, intervalMs: 1_000 },
    );
  }
  await Promise.all(workers.map((worker) => worker.stop()));
  expect(workers.every((worker) => worker.consumed > 0)).toBe(true);

  // Every stream and consumer group on the remaining nodes, led there, every replica current.
  for (const stream of STREAMS) {
    await waitFor(
      `${stream.name} and its consumer on ${remaining.join(", ")}, current`,
      async () => {
        const groups = [
          (await cluster.jsm.streams.info(stream.name)).cluster,
          (await cluster.jsm.consumers.info(stream.name, CONSUMER)).cluster,
        ];
        for (const group of groups) {
          const members = [group?.leader, ...(group?.replicas ?? []).map((replica) => replica.name)];
          if (!group?.leader || !remaining.includes(group.leader)) throw new Error(`leader ${group?.leader}`);
          if (members.length !== 3 || !members.every((member) => member && remaining.includes(member))) throw new Error(`on ${members}`);
          if (!(group.replicas ?? []).every((replica) => replica.current && !replica.offline)) throw new Error("a replica not current");
        }
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
  }
  // The meta group is exactly the remaining nodes, as every remaining node sees it.
  await waitFor(
    `the meta group to be ${remaining.join(", ")}`,
    async () => {
      const servers = await cluster.sys.servers();
      if (JSON.stringify(servers) !== JSON.stringify(remaining)) throw new Error(`meta group ${servers.join(", ")}`);
      for (const node of cluster.nodes.filter((n) => remaining.includes(n.name))) {
        const meta = (await getJson(`${node.monitorUrl}/jsz`)).meta_cluster;
        if (meta?.cluster_size !== remaining.length || !remaining.includes(meta.leader)) {
          throw new Error(`${node.name}: cluster_size ${meta?.cluster_size}, leader ${meta?.leader}`);
        }
      }
      return true;
    },
    { timeoutMs: 60_000, intervalMs: 1_000 },
  );
  return { result, lost, maxGapS, log };
}

/** The engine steps of a replacement rollout: each node destroyed and created again before the next one goes. */
function oneAtATime(order: readonly string[]): string[] {
  return order.flatMap((name) => [`destroy ${name}`, `create ${name}`]);
}

const steps = (cluster: Cluster) => cluster.terraform.steps.map((step) => `${step.action} ${step.name}`);

const describeLive = hasTool("terraform") ? describe : describe.skip;

describeLive("natsmon rollout on a live 3-node cluster under publish load", () => {
  let cluster: Cluster | undefined;
  const names = ["live-nats-node1", "live-nats-node2", "live-nats-node3"];

  beforeAll(async () => {
    await requireTestbed();
    await makeNextImage();
    cluster = await startCluster({});
  });
  afterAll(async () => {
    await stopCluster(cluster);
  });

  it("rolls a config change (maxFileStore) one node at a time, the meta leader last, losing no acknowledged message", async () => {
    const c = cluster as Cluster;
    const before = (await getJson(`${c.nodes[0]?.monitorUrl}/jsz`)).config.max_storage as number;
    const leader = await c.sys.metaLeader();
    const outcome = await rolloutUnderLoad(c, "config-3", { nats: { maxFileStore: "8G", allowNodeReplacement: true } }, names);

    expect([...outcome.result.order].sort()).toEqual(names);
    expect(outcome.result.order.at(-1), "the meta leader goes last").toBe(leader);
    expect(steps(c)).toEqual(oneAtATime(outcome.result.order));
    for (const node of c.nodes) {
      const storage = (await getJson(`${node.monitorUrl}/jsz`)).config.max_storage as number;
      expect(storage, `${node.name} runs the new config`).not.toBe(before);
      expect(storage).toBe(8 * 1024 ** 3);
    }
    expect(outcome.lost).toBe(0);
    console.log(`rollout config 3 nodes: lost=${outcome.lost} max_gap_s=${outcome.maxGapS}`);
    recordFigures({ rollout_lost: outcome.lost, rollout_max_gap_s: outcome.maxGapS });
  }, 900_000);

  it("rolls an image change one node at a time, losing no acknowledged message", async () => {
    const c = cluster as Cluster;
    c.terraform.steps.length = 0;
    const outcome = await rolloutUnderLoad(
      c,
      "image-3",
      { nats: { maxFileStore: "8G", image: NEXT_IMAGE, allowNodeReplacement: true } },
      names,
    );
    expect([...outcome.result.order].sort()).toEqual(names);
    expect(steps(c)).toEqual(oneAtATime(outcome.result.order));
    const nextId = (await docker.getImage(NEXT_LOCAL).inspect()).Id;
    for (const node of c.nodes) expect((await docker.getContainer(node.name).inspect()).Image, node.name).toBe(nextId);
    expect(outcome.lost).toBe(0);
    console.log(`rollout image 3 nodes: lost=${outcome.lost} max_gap_s=${outcome.maxGapS}`);
    recordFigures({ rollout_lost: outcome.lost, rollout_max_gap_s: outcome.maxGapS });
  }, 900_000);
});

describeLive("natsmon rollout and scale-in on a live 5-node cluster under publish load", () => {
  let cluster: Cluster | undefined;
  const five = ["live-nats-node1", "live-nats-node2", "live-nats-node3", "live-nats-node4", "live-nats-node5"];
  const three = five.slice(0, 3);

  beforeAll(async () => {
    await requireTestbed();
    await makeNextImage();
    cluster = await startCluster({ nats: { nodes: 5 } });
  });
  afterAll(async () => {
    await stopCluster(cluster);
    await docker
      .getImage(NEXT_LOCAL)
      .remove()
      .catch(() => undefined);
  });

  it("rolls an image change over 5 nodes one at a time, losing no acknowledged message", async () => {
    const c = cluster as Cluster;
    const outcome = await rolloutUnderLoad(c, "image-5", { nats: { nodes: 5, image: NEXT_IMAGE, allowNodeReplacement: true } }, five);
    expect([...outcome.result.order].sort()).toEqual(five);
    expect(steps(c)).toEqual(oneAtATime(outcome.result.order));
    expect(outcome.lost).toBe(0);
    console.log(`rollout image 5 nodes: lost=${outcome.lost} max_gap_s=${outcome.maxGapS}`);
    recordFigures({ rollout_lost: outcome.lost, rollout_max_gap_s: outcome.maxGapS });
  }, 900_000);

  it("scales in 5 -> 3: moves the replicas off, removes node 5 then node 4 and their meta peers, keeps their volumes, loses nothing", async () => {
    const c = cluster as Cluster;
    c.terraform.steps.length = 0;
    const outcome = await rolloutUnderLoad(c, "scale-in", { nats: { nodes: 3, image: NEXT_IMAGE, allowNodeReplacement: true } }, three);
    expect(steps(c).slice(0, 2)).toEqual(["destroy live-nats-node5", "destroy live-nats-node4"]);
    expect(outcome.log.filter((line) => line.includes("$JS.API.SERVER.REMOVE"))).toHaveLength(2);
    for (const name of ["live-nats-node4", "live-nats-node5"]) {
      await expect(docker.getContainer(name).inspect(), `${name} is gone`).rejects.toThrow();
      // The stack's removed blocks make Terraform forget the volume, not delete it.
      await expect(docker.getVolume(`${name}-data`).inspect(), `${name}'s volume stays`).resolves.toBeDefined();
    }
    expect(outcome.lost).toBe(0);
    console.log(`scale-in 5 -> 3: lost=${outcome.lost} max_gap_s=${outcome.maxGapS}`);
    recordFigures({ scalein_lost: outcome.lost });
  }, 900_000);
});

import { type JetStreamManager, jetstream, jetstreamManager, StorageType } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../helpers/plan.js";
import { recordFigures } from "./figures.js";
import { type LiveNode, natsNodesOf, synthLivePlan } from "./live-plan.js";
import { appLogin, connectToNodes, publishUntilAcked, readStream, streamOnServer } from "./nats-client.js";
import { PlanReplayer } from "./plan-replayer.js";
import { routedPeers } from "./routes.js";
import { containerLog, docker, execIn, requireTestbed, TESTBED_IMAGES } from "./testbed.js";
import { getJson, waitFor } from "./wait.js";

/**
 * The default 3-node cluster, created exactly as the synthesized plan says,
 * on a real engine: it forms, keeps every acknowledged message through the
 * loss of a stream leader, keeps its data when a node's container is
 * replaced, and drains through lame duck mode when a node stops.
 */
describe("the default NATS cluster on a real Docker engine", () => {
  let plan: Plan;
  let nodes: LiveNode[];
  let replayer: PlanReplayer;
  let nc: NatsConnection | undefined;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    await requireTestbed();
    plan = synthLivePlan();
    nodes = natsNodesOf(plan);
    replayer = await PlanReplayer.start(docker, plan, TESTBED_IMAGES);

    // Watch for a meta leader that every node knows while the replayer
    // creates and starts the nodes and waits for their healthchecks, as
    // `cdktf deploy` would.
    const leaderSeen = waitFor("a JetStream meta leader that every node knows", () => metaLeaderSeenAt(nodes), {
      timeoutMs: 150_000,
      intervalMs: 100,
    });
    await replayer.apply(nodes.map((node) => node.name));
    const seenAt = await leaderSeen;
    const lastStart = Math.max(
      ...(await Promise.all(nodes.map(async (n) => Date.parse((await docker.getContainer(n.name).inspect()).State.StartedAt)))),
    );
    recordFigures({ formation_s: round((seenAt - lastStart) / 1000) });

    // The application user: the cluster refuses anonymous clients.
    nc = await connectToNodes(nodes, await appLogin(replayer));
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    await nc?.close();
    await replayer?.cleanup();
  });

  it("forms: every server routes to the N-1 others, one meta leader, every healthcheck healthy", async () => {
    for (const node of nodes) {
      const routez = await waitFor(
        `${node.name} to have ${nodes.length - 1} routes`,
        async () => {
          const routes = await getJson(`${node.monitorUrl}/routez`);
          return routedPeers(routes) === nodes.length - 1 ? routes : undefined;
        },
        { timeoutMs: 30_000 },
      );
      expect(new Set(routez.routes.map((r: { remote_id: string }) => r.remote_id)).size).toBe(nodes.length - 1);
    }
    const leaders = await Promise.all(nodes.map(async (node) => (await getJson(`${node.monitorUrl}/jsz`)).meta_cluster));
    for (const meta of leaders) {
      expect(meta.cluster_size).toBe(nodes.length);
      expect(meta.leader).toBe(leaders[0].leader);
    }
    expect(nodes.map((n) => n.name)).toContain(leaders[0].leader);
    for (const node of nodes) {
      expect((await docker.getContainer(node.name).inspect()).State.Health?.Status, node.name).toBe("healthy");
    }
  });

  it("runs every node hardened as the plan says: no-new-privileges, no capability at all, and healthy so", async () => {
    for (const node of nodes) {
      const { HostConfig, State } = await docker.getContainer(node.name).inspect();
      expect(HostConfig.SecurityOpt, node.name).toEqual(["no-new-privileges:true"]);
      expect(HostConfig.CapDrop, node.name).toEqual(["ALL"]);
      expect(HostConfig.CapAdd ?? [], node.name).toEqual([]);
      expect(State.Health?.Status, node.name).toBe("healthy");
      // The kernel's view of the server process: no effective capability, and no way to gain one.
      const status = await execIn(node.name, ["cat", "/proc/1/status"]);
      expect(status.output, node.name).toMatch(/^CapEff:\s+0{16}$/m);
      expect(status.output, node.name).toMatch(/^NoNewPrivs:\s+1$/m);
    }
  });

  it("refuses clients without credentials or with a wrong password on every node, and lets the application user into JetStream", async () => {
    for (const node of nodes) {
      await expect(connect({ servers: node.clientUrl, reconnect: false, timeout: 5_000 }), node.name).rejects.toThrow(/authorization/i);
    }
    const { user } = await appLogin(replayer);
    await expect(connect({ servers: nodes[0].clientUrl, reconnect: false, timeout: 5_000, user, pass: "wrong" })).rejects.toThrow(
      /authorization/i,
    );
    const info = await jsm.getAccountInfo();
    expect(info.limits, "JetStream answers for the APP account").toBeDefined();
  });

  it("lets the system user in with the generated password, whose bcrypt hash is all the servers know", async () => {
    const user = await replayer.output("nats_system_user");
    const sys = await connectToNodes(nodes, { user, pass: await replayer.output("nats_system_password") });
    try {
      const replies = await sys.requestMany("$SYS.REQ.SERVER.PING", "", { maxWait: 2_000, maxMessages: nodes.length });
      const servers: string[] = [];
      for await (const reply of replies) servers.push(reply.json<{ server: { name: string } }>().server.name);
      expect(servers.sort()).toEqual(nodes.map((n) => n.name).sort());
    } finally {
      await sys.close();
    }
    await expect(connectToNodes(nodes, { user, pass: "wrong" }).then((c) => c.close())).rejects.toThrow();
  });

  it("keeps every acknowledged message of an R3 stream when its leader is killed, and the restarted node catches up", async () => {
    const js = jetstream(nc!);
    await jsm.streams.add({ name: "LIVE_R3", subjects: ["live.r3"], num_replicas: 3, storage: StorageType.File });
    const acked = new Map<number, string>();
    const publish = async (i: number) => acked.set(await publishUntilAcked(js, "live.r3", `m-${i}`), `m-${i}`);

    for (let i = 0; i < 600; i++) await publish(i);
    const leader = (await jsm.streams.info("LIVE_R3")).cluster?.leader;
    expect(nodes.map((n) => n.name)).toContain(leader);

    const killedAt = Date.now();
    await docker.getContainer(leader!).kill();
    await publish(600);
    const failover = (Date.now() - killedAt) / 1000;
    for (let i = 601; i < 1000; i++) await publish(i);
    const whileDown = await docker.getContainer(leader!).inspect();
    expect(whileDown.State.Running, "the killed leader stays down while 400 messages are published").toBe(false);

    await docker.getContainer(leader!).start();
    for (let i = 1000; i < 1100; i++) await publish(i);
    await replayer.waitHealthy(leader!, 120);

    // The restarted server's own copy of the stream, read from its own
    // monitoring port, holds every message.
    const restarted = nodes.find((n) => n.name === leader)!;
    const lastSeq = Math.max(...acked.keys());
    const copy = await waitFor(
      `${leader} to catch up to seq ${lastSeq}`,
      async () => {
        const state = await streamOnServer(restarted, "LIVE_R3");
        return state && state.last_seq === lastSeq ? state : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(copy.messages).toBe(acked.size);

    const { state } = await jsm.streams.info("LIVE_R3");
    expect(state.messages, "no duplicates: retried publishes were deduplicated").toBe(acked.size);
    const stored = await readStream(nc!, "LIVE_R3", state.messages);
    const lost = [...acked].filter(([seq, id]) => stored.get(seq) !== id).length;
    expect(lost).toBe(0);
    recordFigures({ failover_s: round(failover), published: acked.size, lost });
  });

  it("keeps a node's JetStream data when its container is replaced, as a config change would", async () => {
    // An R1 stream has one copy, on one server: after the replacement only
    // the volume can have kept it (an R3 stream would be refilled by its peers).
    const js = jetstream(nc!);
    await jsm.streams.add({ name: "LIVE_R1", subjects: ["live.r1"], num_replicas: 1, storage: StorageType.File });
    for (let i = 0; i < 100; i++) await publishUntilAcked(js, "live.r1", `r1-${i}`);
    const host = (await jsm.streams.info("LIVE_R1")).cluster!.leader!;
    const before = await docker.getContainer(host).inspect();
    const volumeName = before.Mounts.find((m) => m.Destination === "/data")!.Name!;
    const volumeCreatedAt = await volumeCreationTime(volumeName);

    await replayer.replace(host);

    const after = await docker.getContainer(host).inspect();
    expect(after.Id, "a new container").not.toBe(before.Id);
    expect(after.Mounts.find((m) => m.Destination === "/data")?.Name, "on the same volume").toBe(volumeName);
    expect(await volumeCreationTime(volumeName), "which was not recreated").toBe(volumeCreatedAt);
    const state = await waitFor("LIVE_R1 to be back", async () => (await jsm.streams.info("LIVE_R1")).state, { timeoutMs: 60_000 });
    expect(state.messages).toBe(100);
    expect(state.last_seq).toBe(100);
    const first = await jsm.streams.getMessage("LIVE_R1", { seq: 1 });
    expect(first?.string()).toBe("r1-0");
  });

  it("goes through lame duck mode when a node is stopped: its clients are told, and it exits by itself within the stop timeout", async () => {
    const node = nodes.at(-1)!;
    // (@types/dockerode lacks Config.StopTimeout, which the engine returns.)
    const { Config } = (await docker.getContainer(node.name).inspect()) as { Config: { StopTimeout?: number; StopSignal?: string } };
    expect(Config.StopSignal).toBe("SIGUSR2");
    // A client of that node alone: lame duck mode warns it, then closes it
    // after the grace period; with no client the server would exit at once.
    const client = await connectToNodes([node], await appLogin(replayer));
    client.closed().catch(() => undefined);
    let warned = false;
    void (async () => {
      for await (const status of client.status()) if (status.type === "ldm") warned = true;
    })();

    const stopping = Date.now();
    // No timeout given: the engine sends the container's stop signal and
    // waits for the container's own stop timeout before a SIGKILL.
    await docker.getContainer(node.name).stop();
    const stoppedAfter = (Date.now() - stopping) / 1000;
    await client.close().catch(() => undefined);

    const { State } = await docker.getContainer(node.name).inspect();
    expect(State.ExitCode, "0: the server shut itself down; 137 would be the SIGKILL at the timeout").toBe(0);
    expect(stoppedAfter).toBeLessThan(Config.StopTimeout!);
    expect(warned, "the client got the lame duck notice").toBe(true);
    const log = await containerLog(node.name);
    expect(log).toMatch(/\[INF\] Entering lame duck mode/);
    expect(log).toMatch(/\[INF\] Server Exiting/);
  });
});

/**
 * When every node first reports the same meta leader (ms since the epoch),
 * or undefined: the moment the cluster has formed, which cannot come before
 * the last node is up to report it.
 */
async function metaLeaderSeenAt(nodes: readonly LiveNode[]): Promise<number | undefined> {
  const leaders = await Promise.all(
    nodes.map(async (node) => {
      try {
        return ((await getJson(`${node.monitorUrl}/jsz`, 500)).meta_cluster?.leader as string | undefined) ?? "";
      } catch {
        return ""; // Not listening yet.
      }
    }),
  );
  return leaders[0] !== "" && leaders.every((leader) => leader === leaders[0]) ? Date.now() : undefined;
}

/** (@types/dockerode lacks CreatedAt, which the engine returns.) */
async function volumeCreationTime(name: string): Promise<string> {
  return ((await docker.getVolume(name).inspect()) as unknown as { CreatedAt: string }).CreatedAt;
}

function round(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}

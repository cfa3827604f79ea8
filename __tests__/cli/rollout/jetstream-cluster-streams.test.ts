import { jetstreamManager, StorageType } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { type StreamGroup, SystemAccountCluster } from "../../../cli/rollout/jetstream-cluster.js";
import { describeWithTool } from "../../helpers/tools.js";
import { APP_USER, type NatsTestCluster, startNatsTestCluster } from "../helpers/nats-test-cluster.js";

// The scale-in steps against real nats-server processes (4, so a replica has
// somewhere to go): an R3 file stream with a consumer, its replica moved off
// one server, that server stopped and peer-removed from the meta group.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 });

/** Polls `probe` until it returns a value, at most `tries` times, 300 ms apart. */
async function eventually<T>(probe: () => Promise<T | undefined>, tries = 60): Promise<T | undefined> {
  for (let i = 0; i < tries; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return undefined;
}

describeWithTool("nats-server", "scale-in steps on real nats-server processes", () => {
  let nats: NatsTestCluster;
  let cluster: SystemAccountCluster;
  let app: NatsConnection;
  beforeAll(async () => {
    nats = await startNatsTestCluster(4, { appAccount: true });
    cluster = await SystemAccountCluster.connect({ url: nats.url, user: nats.systemUser, password: nats.systemPassword, replyWaitMs: 800 });
    app = await connect({ servers: nats.url, user: APP_USER.user, pass: APP_USER.password });
  });
  afterAll(async () => {
    await app?.close();
    await cluster?.close();
    await nats?.stop();
  });

  it("sees the stream's group, moves a replica off a server, peer-removes the stopped server", async () => {
    const jsm = await jetstreamManager(app);
    await jsm.streams.add({ name: "ORDERS", subjects: ["orders.>"], num_replicas: 3, storage: StorageType.File });
    await jsm.consumers.add("ORDERS", { durable_name: "C1", ack_policy: "explicit" });
    for (let i = 0; i < 10; i++) await app.request("orders.new", `order ${i}`, { timeout: 5000 });

    const group = await eventually(async () => (await cluster.streamGroups()).find((g) => g.stream === "ORDERS" && g.members.length === 3));
    expect(group?.members).toHaveLength(3);
    for (const name of group?.members ?? [])
      expect(await eventually(async () => ((await cluster.notCurrent(name)) ? undefined : "ok"))).toBe("ok");

    // Move the replica off a member that is not the meta leader, so stopping it keeps the quorum simple.
    const leader = await cluster.metaLeader();
    const leaving = (group?.members ?? []).find((name) => name !== leader) as string;
    expect(group?.account).toBe("APP");
    await cluster.moveStreamReplica(group as StreamGroup, leaving);
    const moved = await eventually(async () => {
      const now = (await cluster.streamGroups()).find((g) => g.stream === "ORDERS");
      return now && now.members.length === 3 && !now.members.includes(leaving) ? now : undefined;
    });
    expect(moved?.members).not.toContain(leaving);
    expect(moved?.members).toHaveLength(3);
    const info = await jsm.streams.info("ORDERS");
    expect(info.state.messages).toBe(10);

    await nats.stopServer(nats.names.indexOf(leaving));
    expect(await cluster.servers()).toContain(leaving); // still a (now offline) peer
    await cluster.removePeer(leaving);
    const left = await eventually(async () => ((await cluster.servers()).includes(leaving) ? undefined : await cluster.servers()));
    expect(left).toEqual(nats.names.filter((name) => name !== leaving));
  });
});

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type JszServerReply,
  jszProblems,
  metaServers,
  readinessOptions,
  SystemAccountCluster,
  streamGroupsOf,
} from "../../../cli/rollout/jetstream-cluster.js";
import { rolloutOrder } from "../../../cli/rollout/rollout-order.js";
import { describeWithTool } from "../../helpers/tools.js";
import { type NatsTestCluster, startNatsTestCluster } from "../helpers/nats-test-cluster.js";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const reply = (name: string, data: JszServerReply["data"]): JszServerReply => ({ server: { name }, data });
const meta = {
  leader: "n1",
  replicas: [
    { name: "n2", current: true },
    { name: "n3", current: true },
  ],
};

describe("what makes a node current", () => {
  it("picks the readiness check by server version: js-meta-only from 2.11, js-server-only before", () => {
    expect(readinessOptions("2.9.10")).toEqual({ "js-server-only": true });
    expect(readinessOptions("2.10.29")).toEqual({ "js-server-only": true });
    expect(readinessOptions("2.11.0")).toEqual({ "js-meta-only": true });
    expect(readinessOptions("2.14.5")).toEqual({ "js-meta-only": true });
  });

  it("reads stream and consumer replicas from their group leaders' replies: not current, lagging, offline", () => {
    const replies = [
      reply("n1", {
        meta_cluster: meta,
        account_details: [
          {
            stream_detail: [
              {
                name: "ORDERS",
                cluster: {
                  leader: "n1",
                  replicas: [
                    { name: "n2", current: true },
                    { name: "n3", current: true, lag: 4 },
                  ],
                },
                consumer_detail: [{ name: "C1", cluster: { leader: "n1", replicas: [{ name: "n3", current: false }] } }],
              },
            ],
          },
        ],
      }),
      reply("n2", {
        meta_cluster: meta,
        account_details: [
          { stream_detail: [{ name: "MEM", cluster: { leader: "n2", replicas: [{ name: "n3", current: true, offline: true }] } }] },
        ],
      }),
      reply("n3", { meta_cluster: meta }),
    ];
    expect(jszProblems(replies, "n3")).toEqual([
      "stream ORDERS: replica on n3 4 behind",
      "consumer ORDERS > C1: replica on n3 not current",
      "stream MEM: replica on n3 not current",
    ]);
    // n2 is only affected where n2 leads a group with a follower behind.
    expect(jszProblems(replies, "n2")).toEqual(["stream MEM: replicas n3 not current"]);
    expect(streamGroupsOf(replies)).toEqual([
      { account: "", stream: "MEM", members: ["n2", "n3"] },
      { account: "", stream: "ORDERS", members: ["n1", "n2", "n3"] },
    ]);
  });

  it("lists the meta group's servers from its leader, the silent ones included", () => {
    expect(metaServers([reply("n10", { meta_cluster: { leader: "n1" } }), reply("n1", { meta_cluster: meta })])).toEqual([
      "n1",
      "n2",
      "n3",
      "n10",
    ]);
    // Only the leader's view counts: a follower's (stale) replica list is not read.
    expect(metaServers([reply("n2", { meta_cluster: { leader: "n1", replicas: [{ name: "n9" }] } })])).toEqual(["n2"]);
  });

  it("a node that does not answer, or a meta group without leader, is not current", () => {
    expect(jszProblems([reply("n1", { meta_cluster: { leader: "" } })], "n3")).toEqual([
      "n3 does not answer",
      "the meta group has no leader",
    ]);
  });

  it("orders followers before the leader, names numerically", () => {
    const node = (n: number, deps: number[] = []) => ({ address: `c.n${n}`, name: `n${n}`, dependsOn: deps.map((d) => `c.n${d}`) });
    expect(rolloutOrder([node(10), node(2), node(1)], "n2").map((n) => n.name)).toEqual(["n1", "n10", "n2"]);
    expect(rolloutOrder([node(1), node(2), node(3), node(4, [1, 2, 3])], "n3").map((n) => n.name)).toEqual(["n1", "n2", "n3", "n4"]);
  });
});

describeWithTool("nats-server", "SystemAccountCluster on real nats-server processes", () => {
  let nats: NatsTestCluster;
  let cluster: SystemAccountCluster;
  beforeAll(async () => {
    nats = await startNatsTestCluster(3);
    cluster = await SystemAccountCluster.connect({ url: nats.url, user: nats.systemUser, password: nats.systemPassword, replyWaitMs: 800 });
  });
  afterAll(async () => {
    await cluster?.close();
    await nats?.stop();
  });

  it("finds the meta leader, sees every node current, and moves the leadership on a step-down", async () => {
    const leader = await cluster.metaLeader();
    expect(nats.names).toContain(leader);
    expect(await cluster.servers()).toEqual(nats.names);
    for (const name of nats.names) expect(await cluster.notCurrent(name)).toBeUndefined();
    await cluster.stepDownMetaLeader();
    let now: string | undefined = leader;
    for (let i = 0; i < 50 && (now === leader || now === undefined); i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      now = await cluster.metaLeader();
    }
    expect(now).not.toBe(leader);
    expect(nats.names).toContain(now);
  });

  it("a stopped node is not current", async () => {
    const last = nats.names[2] as string;
    if ((await cluster.metaLeader()) === last) await cluster.stepDownMetaLeader();
    await nats.stopServer(2);
    let problem: string | undefined;
    for (let i = 0; i < 30 && problem === undefined; i++) {
      problem = await cluster.notCurrent(last);
      if (problem === undefined) await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(problem).toMatch(new RegExp(`${last} does not answer`));
  });
});

describeWithTool("nats-server", "SystemAccountCluster given a list of URLs", () => {
  let nats: NatsTestCluster;
  let cluster: SystemAccountCluster;
  beforeAll(async () => {
    nats = await startNatsTestCluster(3);
    // Only the first two: as on a Docker host, where only published ports answer.
    cluster = await SystemAccountCluster.connect({
      url: nats.urls.slice(0, 2),
      user: nats.systemUser,
      password: nats.systemPassword,
      replyWaitMs: 800,
    });
  });
  afterAll(async () => {
    await cluster?.close();
    await nats?.stop();
  });

  it("keeps answering through another listed server when the one it is connected to stops", async () => {
    expect(await cluster.servers()).toEqual(nats.names);
    await nats.stopServer(0);
    let servers: string[] = [];
    for (let i = 0; i < 50 && servers.length !== 2; i++) {
      servers = (await cluster.servers()).filter((name) => name !== nats.names[0]);
      if (servers.length !== 2) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(servers).toEqual(nats.names.slice(1));
  });
});

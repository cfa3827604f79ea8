import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckRun } from "../../../cli/check/check-run.js";
import {
  type JszReply,
  jetstreamVerdict,
  metaLeaderVerdict,
  NATS_CHECKS,
  runNatsChecks,
  serversVerdict,
} from "../../../cli/check/nats-checks.js";
import { resolveTargets } from "../../../cli/targets.js";
import { describeWithTool } from "../../helpers/tools.js";
import { freePort, type NatsTestCluster, startNatsTestCluster } from "../helpers/nats-test-cluster.js";

/** An answer to $SYS.REQ.SERVER.PING.JSZ, shaped like nats-server 2.9-2.14's. */
function reply(name: string, data: Partial<NonNullable<JszReply["data"]>> = {}, leader = "nats-node2"): JszReply {
  return {
    server: { name, cluster: "nats", ver: "2.14.5" },
    data: { config: { store_dir: "/data/jetstream" }, meta_cluster: { name: "nats", leader, cluster_size: 3 }, ...data },
  };
}
const healthy = ["nats-node1", "nats-node2", "nats-node3"].map((name) => reply(name));

describe("serversVerdict", () => {
  it("passes when the expected servers all answered", () => {
    const verdict = serversVerdict(["nats-node2", "nats-node1", "nats-node3"], {
      names: ["nats-node1", "nats-node2", "nats-node3"],
      count: 3,
    });
    expect(verdict).toEqual({ status: "ok", detail: "3 of 3 servers answered: nats-node1, nats-node2, nats-node3" });
  });

  it("names a missing server and how to bring it back", () => {
    const verdict = serversVerdict(["nats-node1", "nats-node3"], { names: ["nats-node1", "nats-node2", "nats-node3"], count: 3 });
    expect(verdict.status).toBe("fail");
    expect(verdict.detail).toBe("saw 2 server(s) (nats-node1, nats-node3); missing nats-node2");
    expect(verdict.fix).toContain("docker start nats-node2");
  });

  it("compares counts when only the count is known, both ways", () => {
    expect(serversVerdict(["a", "b"], { count: 3 })).toMatchObject({ status: "fail", detail: "saw 2 of 3 expected servers (a, b)" });
    expect(serversVerdict(["a", "b", "c", "d"], { count: 3 })).toMatchObject({ status: "fail" });
    expect(serversVerdict(["a"], {})).toMatchObject({ status: "ok" });
    expect(serversVerdict(["a"], {}).detail).toContain("expected count unknown");
  });

  it("fails when nobody answered the system request", () => {
    expect(serversVerdict([], { count: 3 })).toMatchObject({ status: "fail", detail: "no server answered the system-account request" });
  });
});

describe("jetstreamVerdict", () => {
  it("passes when every server has JetStream on", () => {
    expect(jetstreamVerdict(healthy)).toEqual({ status: "ok", detail: "JetStream is on in all 3 server(s)" });
  });

  it("names the servers where JetStream is off", () => {
    const verdict = jetstreamVerdict([
      healthy[0],
      reply("nats-node2", { disabled: true, config: undefined }),
      { server: { name: "nats-node3" } },
    ]);
    expect(verdict).toMatchObject({ status: "fail", detail: "JetStream is off on nats-node2, nats-node3" });
    expect(verdict.fix).toContain("jetstream");
  });

  it("reports a server's error answer", () => {
    const verdict = jetstreamVerdict([{ server: { name: "nats-node1" }, error: { code: 503, description: "JetStream not enabled" } }]);
    expect(verdict).toMatchObject({ status: "fail", detail: "nats-node1 answered with an error: JetStream not enabled" });
  });
});

describe("metaLeaderVerdict", () => {
  it("passes with one leader everyone agrees on", () => {
    expect(metaLeaderVerdict(healthy, 3)).toEqual({ status: "ok", detail: "meta leader nats-node2, meta group of 3" });
  });

  it("fails without a leader and says how many servers a quorum needs", () => {
    const leaderless = healthy.slice(0, 1).map((r) => reply(r.server.name, {}, ""));
    const verdict = metaLeaderVerdict(leaderless, 3);
    expect(verdict).toMatchObject({
      status: "fail",
      detail: "no meta leader: 1 of 3 servers answered, and a 3-node cluster needs 2 for a quorum",
    });
  });

  it("fails when servers disagree (a split)", () => {
    const verdict = metaLeaderVerdict([reply("nats-node1", {}, "nats-node1"), reply("nats-node2", {}, "nats-node2")], 3);
    expect(verdict).toMatchObject({ status: "fail", detail: "servers disagree on the meta leader: nats-node1 vs nats-node2" });
  });

  it("accepts a standalone server, but not a cluster without a meta group", () => {
    const standalone = [{ server: { name: "solo" }, data: { config: {} } }];
    expect(metaLeaderVerdict(standalone, 1).status).toBe("ok");
    expect(metaLeaderVerdict(standalone, 3).status).toBe("fail");
  });
});

describe("runNatsChecks against nothing", () => {
  it("fails nats.connect with what it saw and skips the rest", async () => {
    const port = await freePort();
    const run = new CheckRun("nats", 2000);
    await runNatsChecks(resolveTargets({}, { natsUrl: `nats://127.0.0.1:${port}` }), run);
    expect(run.results.map((r) => r.name)).toEqual([...NATS_CHECKS]);
    expect(run.results[0]).toMatchObject({
      status: "fail",
      detail: `connect to nats://127.0.0.1:${port}: connection refused at 127.0.0.1:${port} (nothing listens there)`,
    });
    expect(run.results.slice(1).every((r) => r.status === "skip")).toBe(true);
  });
});

describeWithTool("nats-server", "runNatsChecks against a real 3-node JetStream cluster", () => {
  let cluster: NatsTestCluster;
  beforeAll(async () => {
    cluster = await startNatsTestCluster(3);
  }, 40_000);
  afterAll(async () => cluster?.stop());

  const targetsOf = (c: NatsTestCluster, extra: object = {}) =>
    resolveTargets(
      { nats_url: c.url, nats_servers: c.names, nats_system_user: c.systemUser, nats_system_password: c.systemPassword },
      extra,
    );

  it("passes every NATS check", async () => {
    const run = new CheckRun("nats", 5000);
    await runNatsChecks(targetsOf(cluster), run);
    expect(run.results.map((r) => [r.name, r.status])).toEqual(NATS_CHECKS.map((name) => [name, "ok"]));
    expect(run.results.find((r) => r.name === "nats.servers")?.detail).toBe(`3 of 3 servers answered: ${cluster.names.join(", ")}`);
  });

  it("fails the per-server checks without system credentials, and still runs the client checks", async () => {
    const run = new CheckRun("nats", 5000);
    await runNatsChecks(resolveTargets({ nats_url: cluster.url }, {}), run);
    const status = Object.fromEntries(run.results.map((r) => [r.name, r.status]));
    expect(status).toEqual({
      "nats.connect": "ok",
      "nats.servers": "fail",
      "nats.jetstream": "skip",
      "nats.meta-leader": "skip",
      "nats.pubsub": "ok",
      "nats.jetstream-account": "ok",
    });
    expect(run.results[1].fix).toContain("--nats-system-user");
  });

  it("rejects a wrong system password with the server's own words", async () => {
    const run = new CheckRun("nats", 5000);
    await runNatsChecks(targetsOf(cluster, { natsSystemPassword: "wrong" }), run);
    const servers = run.results.find((r) => r.name === "nats.servers");
    expect(servers?.status).toBe("fail");
    expect(servers?.detail.toLowerCase()).toContain("authorization");
  });

  it("names the server that went down", async () => {
    await cluster.stopServer(2);
    const run = new CheckRun("nats", 3000);
    await runNatsChecks(targetsOf(cluster), run);
    const servers = run.results.find((r) => r.name === "nats.servers");
    expect(servers).toMatchObject({
      status: "fail",
      detail: `saw 2 server(s) (${cluster.names[0]}, ${cluster.names[1]}); missing ${cluster.names[2]}`,
    });
  }, 20_000);
});

describeWithTool("nats-server", "runNatsChecks against a cluster that refuses anonymous clients (the stack's default)", () => {
  let cluster: NatsTestCluster;
  beforeAll(async () => {
    cluster = await startNatsTestCluster(3, { appAccount: true });
  }, 40_000);
  afterAll(async () => cluster?.stop());

  const outputs = (c: NatsTestCluster) => ({
    nats_url: c.url,
    nats_servers: c.names,
    nats_system_user: c.systemUser,
    nats_system_password: c.systemPassword,
    nats_app_user: c.appUser,
    nats_app_password: c.appPassword,
  });

  it("logs in with the application user from the outputs and passes every check, JetStream in the APP account included", async () => {
    const run = new CheckRun("nats", 5000);
    await runNatsChecks(resolveTargets(outputs(cluster), {}), run);
    expect(run.results.map((r) => [r.name, r.status])).toEqual(NATS_CHECKS.map((name) => [name, "ok"]));
    expect(run.results[0].detail).toContain(`as ${cluster.appUser}`);
  });

  it("fails nats.connect without the application user's credentials, and says where they are", async () => {
    const { nats_app_user: _user, nats_app_password: _password, ...withoutApp } = outputs(cluster);
    const run = new CheckRun("nats", 5000);
    await runNatsChecks(resolveTargets(withoutApp, {}), run);
    expect(run.results[0]).toMatchObject({ name: "nats.connect", status: "fail" });
    expect(run.results[0].detail.toLowerCase()).toContain("authorization");
    expect(run.results[0].fix).toContain("nats_app_user");
  });
});

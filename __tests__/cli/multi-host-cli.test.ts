import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupCommand } from "../../cli/backup/backup-command.js";
import { type NodeHealth, peersOutOfSight } from "../../cli/backup/jetstream-health.js";
import { restoreCommand } from "../../cli/backup/restore-command.js";
import { CheckRun } from "../../cli/check/check-run.js";
import { runExporterChecks } from "../../cli/check/exporter-checks.js";
import { withHostNotes } from "../../cli/check/host-notes.js";
import { NATS_CHECKS, runNatsChecks, serversVerdict } from "../../cli/check/nats-checks.js";
import { NatsmonError } from "../../cli/natsmon-error.js";
import { rolloutConnection } from "../../cli/rollout/rollout-command.js";
import { hostOfVolumes, parseStackHosts, type StackHost } from "../../cli/stack-hosts.js";
import { resolveTargets } from "../../cli/targets.js";
import { volumesCommand } from "../../cli/volumes/volumes-command.js";
import type { HostOutput } from "../../contract/index.js";
import { synthStack } from "../helpers/plan.js";
import { describeWithTool } from "../helpers/tools.js";
import { type FakeServer, startFakeServer } from "./helpers/fake-http.js";
import { type NatsTestCluster, startNatsTestCluster } from "./helpers/nats-test-cluster.js";

const THREE_HOSTS = {
  "nats-a": { dockerHost: "ssh://deploy@10.0.0.11", address: "10.0.0.11" },
  "nats-b": { dockerHost: "ssh://deploy@10.0.0.12", address: "10.0.0.12" },
  "nats-c": { dockerHost: "ssh://deploy@10.0.0.13", address: "10.0.0.13" },
};

/** A `hosts` output as `terraform output -json` prints its value. */
function hostEntry(name: string, servers: string[], urls: string[], extra: Partial<HostOutput> = {}): [string, HostOutput] {
  return [
    name,
    {
      docker_host: `ssh://deploy@${name}`,
      address: `10.0.0.${name.length}`,
      monitoring: false,
      nats_servers: servers,
      nats_urls: urls,
      data_volumes: servers.map((server) => `${server}-data`),
      ...extra,
    },
  ];
}

describe("the stack's hosts output", () => {
  it("lists each host's engine, address, nodes and their URLs, exporter and data volumes", () => {
    const { plan } = synthStack({ hosts: THREE_HOSTS, nats: { nodes: 5 }, monitoringHost: "nats-c" });
    const hosts = plan.output?.hosts?.value as Record<string, HostOutput>;
    expect(Object.keys(hosts)).toEqual(["nats-a", "nats-b", "nats-c"]);
    expect(hosts["nats-a"]).toMatchObject({
      docker_host: "ssh://deploy@10.0.0.11",
      address: "10.0.0.11",
      monitoring: false,
      // Round-robin: node1 and node4 on nats-a; the host's second node takes the next ports.
      nats_servers: ["nats-node1", "nats-node4"],
      nats_urls: ["nats://10.0.0.11:4222", "nats://10.0.0.11:4223"],
      exporter_url: "http://10.0.0.11:7778",
    });
    expect(hosts["nats-c"]).toMatchObject({ monitoring: true, nats_servers: ["nats-node3"], exporter_url: "http://10.0.0.13:7778" });
    // Volumes are references Terraform resolves: a host's nodes, its collector, and on the monitoring host the monitoring parts'.
    const volumeIds = (host: string) => hosts[host]?.data_volumes.map((ref) => /docker_volume\.([^.]+)\.name/.exec(ref)?.[1]);
    const volumes = plan.resource.docker_volume ?? {};
    expect(volumeIds("nats-a")?.map((id) => volumes[id as string]?.name)).toEqual(["nats-node1-data", "nats-node4-data", "alloy-data"]);
    expect(volumeIds("nats-c")?.map((id) => volumes[id as string]?.name)).toEqual([
      "nats-node3-data",
      "prometheus-data",
      "loki-data",
      "alloy-data",
      "grafana-data",
    ]);
    for (const host of ["nats-a", "nats-b", "nats-c"]) {
      for (const id of volumeIds(host) ?? []) expect((volumes[id as string] as { provider?: string }).provider).toBe(`docker.${host}`);
    }
    expect(parseStackHosts(hosts)?.map((h) => h.name)).toEqual(["nats-a", "nats-b", "nats-c"]);
  });

  it("is absent on one host, so the single-host plan does not change", () => {
    expect(synthStack({}).plan.output?.hosts).toBeUndefined();
  });

  it("leaves exporter_url out without the exporter", () => {
    const { plan } = synthStack({ hosts: THREE_HOSTS, exporter: false });
    expect(Object.values(plan.output?.hosts?.value as Record<string, HostOutput>).map((h) => h.exporter_url)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe("parseStackHosts", () => {
  it("reads nothing as one host, and refuses a malformed output instead of falling back to one host's checks", () => {
    expect(parseStackHosts(undefined)).toBeUndefined();
    expect(() => parseStackHosts(["a"])).toThrow(NatsmonError);
    expect(() => parseStackHosts({ a: { address: "10.0.0.1" } })).toThrow(/host a has no docker_host/);
    const [name, entry] = hostEntry("a", ["n1"], []);
    expect(() => parseStackHosts({ [name]: entry })).toThrow(/1 nats_servers but 0 nats_urls/);
  });
});

describe("resolveTargets on a stack over several hosts", () => {
  const outputs = {
    nats_url: "nats://10.0.0.11:4222",
    exporter_url: "http://10.0.0.11:7778",
    hosts: Object.fromEntries([
      hostEntry("a", ["n1"], ["nats://10.0.0.11:4222"], { exporter_url: "http://10.0.0.11:7778", monitoring: true }),
      hostEntry("b", ["n2", "n3"], ["nats://10.0.0.12:4222", "nats://10.0.0.12:4223"], { exporter_url: "http://10.0.0.12:7778" }),
    ]),
  };

  it("knows every node's URL and every host's exporter", () => {
    const targets = resolveTargets(outputs, {});
    expect(targets.natsUrls).toEqual(["nats://10.0.0.11:4222", "nats://10.0.0.12:4222", "nats://10.0.0.12:4223"]);
    expect(targets.exporters).toEqual([
      { host: "a", url: "http://10.0.0.11:7778" },
      { host: "b", url: "http://10.0.0.12:7778" },
    ]);
  });

  it("keeps to a URL given as a flag", () => {
    const targets = resolveTargets(outputs, { natsUrl: "nats://127.0.0.1:4222", exporterUrl: "http://127.0.0.1:7778" });
    expect(targets.natsUrls).toBeUndefined();
    expect(targets.exporters).toBeUndefined();
    expect(targets.natsUrl).toBe("nats://127.0.0.1:4222");
  });

  it("gives the rollout every node's URL and the CA", () => {
    const targets = resolveTargets({ ...outputs, nats_ca_cert: "PEM" }, {});
    expect(rolloutConnection(targets, "sys", "pw")).toEqual({ url: targets.natsUrls, user: "sys", password: "pw", ca: "PEM" });
    expect(rolloutConnection(resolveTargets({ nats_url: "nats://127.0.0.1:4222" }, {}), "sys", "pw")).toEqual({
      url: "nats://127.0.0.1:4222",
      user: "sys",
      password: "pw",
    });
  });
});

describe("exporter checks per host", () => {
  let up: FakeServer;
  beforeAll(async () => {
    up = await startFakeServer({ "/metrics": { body: 'gnatsd_varz_connections{server_id="n1"} 1\n' } });
  });
  afterAll(async () => up?.close());

  it("checks each host's exporter and names the host of the one that does not answer", async () => {
    const down = await startFakeServer({});
    const downUrl = down.url;
    await down.close();
    const targets = resolveTargets(
      {
        hosts: Object.fromEntries([
          hostEntry("a", ["n1"], ["nats://x:1"], { exporter_url: up.url }),
          hostEntry("b", ["n2"], ["nats://x:2"], { exporter_url: downUrl }),
        ]),
      },
      {},
    );
    const run = new CheckRun("exporter", 3000);
    await runExporterChecks(targets, run);
    expect(run.results.map((r) => [r.name, r.status])).toEqual([
      ["exporter.metrics@a", "ok"],
      ["exporter.metrics@b", "fail"],
    ]);
    expect(run.results[1]?.detail).toContain(`GET ${downUrl}/metrics on host b: connection refused`);
    expect(run.results[1]?.fix).toContain("docker -H ssh://deploy@b ps");
  });
});

describe("monitoring parts on their host", () => {
  const hosts = parseStackHosts(
    Object.fromEntries([hostEntry("mon", [], [], { address: "10.0.0.10", monitoring: true }), hostEntry("b", ["n2"], ["nats://x:2"])]),
  ) as StackHost[];
  const failed = (group: string) => ({
    name: `${group}.x`,
    group,
    status: "fail" as const,
    detail: "refused",
    fix: "start it",
    durationMs: 1,
  });

  it("says where a failed monitoring part runs, and how to reach a loopback port there", () => {
    const [prometheus, loki, nats] = withHostNotes([failed("prometheus"), failed("loki"), failed("nats")], hosts, {
      prometheus: "http://127.0.0.1:9090",
      loki: "http://10.0.0.10:3100",
    });
    expect(prometheus?.fix).toBe(
      "prometheus runs on the monitoring host mon (10.0.0.10), and 127.0.0.1:9090 is that host's loopback: run natsmon on mon, or forward the port (ssh -L 9090:127.0.0.1:9090 10.0.0.10) and pass --prometheus-url; start it",
    );
    expect(loki?.fix).toBe("loki runs on the monitoring host mon (10.0.0.10); start it");
    expect(nats?.fix).toBe("start it");
    expect(withHostNotes([failed("prometheus")], undefined, {})[0]?.fix).toBe("start it");
  });
});

describe("serversVerdict with hosts", () => {
  it("names the host of a missing server and its engine", () => {
    const verdict = serversVerdict(
      ["n1", "n2"],
      { names: ["n1", "n2", "n3"], count: 3 },
      new Map([["n3", { host: "c", engine: "ssh://c" }]]),
    );
    expect(verdict).toMatchObject({ status: "fail", detail: "saw 2 server(s) (n1, n2); missing n3 (on host c)" });
    expect(verdict.fix).toContain("docker -H ssh://c start n3");
  });
});

describeWithTool("nats-server", "runNatsChecks over hosts, against a real 3-node cluster", () => {
  let cluster: NatsTestCluster;
  beforeAll(async () => {
    cluster = await startNatsTestCluster(3);
  }, 40_000);
  afterAll(async () => cluster?.stop());

  // Node 1 on host a; nodes 2 and 3 on host b.
  const targetsOf = (c: NatsTestCluster) =>
    resolveTargets(
      {
        nats_url: c.urls[0],
        nats_servers: c.names,
        nats_system_user: c.systemUser,
        nats_system_password: c.systemPassword,
        hosts: Object.fromEntries([
          hostEntry("a", [c.names[0] as string], [c.urls[0] as string]),
          hostEntry("b", [c.names[1] as string, c.names[2] as string], [c.urls[1] as string, c.urls[2] as string]),
        ]),
      },
      {},
    );

  it("passes every cluster check and reaches each host's nodes one by one", async () => {
    const run = new CheckRun("nats", 5000);
    await runNatsChecks(targetsOf(cluster), run);
    expect(run.results.map((r) => [r.name, r.status])).toEqual([
      ...NATS_CHECKS.map((name) => [name, "ok"]),
      ["nats.node@a", "ok"],
      ["nats.node@b", "ok"],
    ]);
    expect(run.results.at(-1)?.detail).toBe(
      `host b: ${cluster.names[1]} at ${cluster.urls[1]}, ${cluster.names[2]} at ${cluster.urls[2]} answer`,
    );
  });

  it("still reaches the cluster when node1's host is down, and names that host", async () => {
    await cluster.stopServer(0);
    const run = new CheckRun("nats", 3000);
    await runNatsChecks(targetsOf(cluster), run);
    const status = Object.fromEntries(run.results.map((r) => [r.name, r.status]));
    expect(status).toMatchObject({ "nats.connect": "ok", "nats.servers": "fail", "nats.node@a": "fail", "nats.node@b": "ok" });
    const servers = run.results.find((r) => r.name === "nats.servers");
    expect(servers?.detail).toContain(`missing ${cluster.names[0]} (on host a)`);
    const node = run.results.find((r) => r.name === "nats.node@a");
    expect(node?.detail).toContain(`${cluster.names[0]} at ${cluster.urls[0]}`);
    expect(node?.fix).toContain("host a is up");
  }, 20_000);
});

describe("commands that talk to one engine, on a stack over several hosts", () => {
  let dir: string;
  let outputs: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "natsmon-hosts-"));
    outputs = join(dir, "outputs.json");
    writeFileSync(
      outputs,
      JSON.stringify({
        nats_url: "nats://10.0.0.1:4222",
        data_volumes: ["n1-data", "prometheus-data", "n2-data"],
        hosts: Object.fromEntries([
          hostEntry("a", ["n1"], ["nats://10.0.0.1:4222"], { monitoring: true, data_volumes: ["n1-data", "prometheus-data"] }),
          hostEntry("b", ["n2"], ["nats://10.0.0.2:4222"]),
        ]),
      }),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const refusal = async (run: () => Promise<unknown>) => {
    const error = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NatsmonError);
    return error as NatsmonError;
  };

  it("backup refuses the whole stack and says what to run on each host", async () => {
    const error = await refusal(() => backupCommand({ outputs, out: join(dir, "b"), waitTimeout: 1 }));
    expect(error.message).toContain("this stack spreads over 2 hosts (a, b)");
    expect(error.fix).toContain(
      "a (ssh://deploy@a): DOCKER_HOST=ssh://deploy@a natsmon backup --volume prometheus-data; JetStream (n1-data): nats account backup through the cluster",
    );
    expect(error.fix).toContain("b (ssh://deploy@b): JetStream (n2-data): nats account backup through the cluster");
  });

  it("backup refuses named volumes that are on different hosts", async () => {
    const error = await refusal(() => backupCommand({ outputs, volume: ["n1-data", "n2-data"], out: join(dir, "b"), waitTimeout: 1 }));
    expect(error.message).toBe("these volumes are on different Docker hosts (n1-data on a; n2-data on b), and one run talks to one engine");
  });

  it("restore --cluster and volumes refuse too", async () => {
    const archive = join(dir, "n1-data-20260101.tar.gz");
    writeFileSync(archive, "");
    const restore = await refusal(() => restoreCommand([archive], { cluster: true, outputs, waitTimeout: 1 }));
    expect(restore.message).toContain("natsmon restore --cluster works on one Docker engine");
    expect(restore.fix).toContain("docker -H ssh://deploy@b stop n2");
    const volumes = await refusal(() => volumesCommand({ outputs }));
    expect(volumes.fix).toContain("b (ssh://deploy@b): docker -H ssh://deploy@b volume ls; the configuration declares there: n2-data");
  });

  it("hostOfVolumes finds the one host of volumes on one host", () => {
    const hosts = parseStackHosts(
      Object.fromEntries([hostEntry("a", ["n1"], ["nats://x:1"]), hostEntry("b", ["n2"], ["nats://x:2"])]),
    ) as StackHost[];
    expect(hostOfVolumes(["n2-data"], hosts)?.name).toBe("b");
    expect(hostOfVolumes(["other"], hosts)).toBeUndefined();
    expect(hostOfVolumes(["n2-data"], undefined)).toBeUndefined();
  });
});

describe("peersOutOfSight", () => {
  const node = (clusterSize?: number): NodeHealth => ({
    name: "n2",
    running: true,
    jetstreamEnabled: true,
    current: true,
    metaLeader: "n1",
    ...(clusterSize === undefined ? {} : { clusterSize }),
  });

  it("refuses when the node's meta group has servers the engine does not hold (a cluster over several hosts)", () => {
    expect(peersOutOfSight([node(3)], 1)).toBe(
      "its JetStream cluster has 3 servers and this Docker engine holds 1 of them: the others run elsewhere (another Docker host), where natsmon cannot check that they are healthy and current before this node goes down",
    );
  });

  it("lets the engine's own check run when it holds every server, or the size is unknown", () => {
    expect(peersOutOfSight([node(3)], 3)).toBeUndefined();
    expect(peersOutOfSight([node(1)], 1)).toBeUndefined();
    expect(peersOutOfSight([node()], 1)).toBeUndefined();
    expect(peersOutOfSight([], 0)).toBeUndefined();
  });
});

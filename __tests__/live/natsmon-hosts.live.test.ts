import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../../cli/check/verdict.js";
import { OUTPUT_NAMES } from "../../cli/targets.js";
import { type NatsmonRun, runNatsmon } from "../cli/helpers/run-natsmon.js";
import type { Plan } from "../helpers/plan.js";
import { synthLivePlan } from "./live-plan.js";
import { PlanReplayer } from "./plan-replayer.js";
import { docker, execIn, TESTBED_IMAGES } from "./testbed.js";
import { waitFor } from "./wait.js";

/** What `npm run testbed -- --hosts 3` records about the engines it started (scripts/testbed-hosts.sh). */
const HOSTS_FILE = "/run/natsmon-hosts/hosts.json";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

interface TestHost {
  readonly name: string;
  readonly socket: string;
  readonly address: string;
  /** The network namespace the engine runs in: a process there sees the host's own loopback. */
  readonly namespace: string;
}

const hosts: TestHost[] = existsSync(HOSTS_FILE) ? (JSON.parse(readFileSync(HOSTS_FILE, "utf8")) as TestHost[]) : [];
const NODES = ["live-nats-node1", "live-nats-node2", "live-nats-node3"];

/**
 * Without the three engines this is a visible skip on a laptop, and a
 * failure when CI=true (.ci/run starts them), as in multihost.live.test.ts.
 */
if (hosts.length < 3 && process.env.CI === "true") {
  describe("natsmon on a stack over three Docker engines", () => {
    it("needs three test engines", () => {
      throw new Error(`${HOSTS_FILE} lists ${hosts.length} engine(s): run \`npm run testbed -- --hosts 3\` first (.ci/run does)`);
    });
  });
} else if (hosts.length < 3) {
  console.warn(`SKIPPED the natsmon multi-host live test: no three engines in ${HOSTS_FILE} (run \`npm run testbed -- --hosts 3\`)`);
}

/**
 * Every output as `terraform output -json` prints it after a deploy: the
 * replayer resolves the passwords and the CA, and a volume reference is the
 * volume's name, as Terraform resolves `${docker_volume.X.name}`.
 */
async function outputsOf(plan: Plan, replayer: PlanReplayer): Promise<Record<string, { value: unknown; sensitive: boolean }>> {
  const volumes = plan.resource.docker_volume ?? {};
  const resolveVolumes = (value: unknown): unknown => {
    if (typeof value === "string") {
      const id = /^\$\{docker_volume\.([^.]+)\.name\}$/.exec(value)?.[1];
      if (id === undefined) {
        if (value.includes("${")) throw new Error(`unresolved reference in an output: ${value}`);
        return value;
      }
      return volumes[id]?.name;
    }
    if (Array.isArray(value)) return value.map(resolveVolumes);
    if (typeof value === "object" && value !== null)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveVolumes(v)]));
    return value;
  };
  const outputs: Record<string, { value: unknown; sensitive: boolean }> = {};
  for (const name of OUTPUT_NAMES) {
    const output = plan.output?.[name];
    if (!output) continue;
    const value = typeof output.value === "string" ? await replayer.output(name) : resolveVolumes(output.value);
    outputs[name] = { value, sensitive: Boolean(output.sensitive) };
  }
  return outputs;
}

/** natsmon run inside a host's network namespace, as on that machine: its 127.0.0.1 is the host's own. */
function runNatsmonOnHost(host: TestHost, args: readonly string[]): Promise<NatsmonRun> {
  const started = performance.now();
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("NATSMON_")));
  return new Promise((resolve, reject) => {
    const child = spawn(
      "nsenter",
      [`--net=/var/run/netns/${host.namespace}`, process.execPath, "--import", "tsx", "cli/natsmon.ts", ...args],
      { cwd: ROOT, env: { ...env, NO_COLOR: "1" } },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 });
    });
  });
}

/** Runs `body` with DOCKER_HOST set, as a user runs natsmon against one host's engine. */
async function withDockerHost<T>(engine: string, body: () => Promise<T>): Promise<T> {
  const before = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = engine;
  try {
    return await body();
  } finally {
    if (before === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = before;
  }
}

function checksOf(run: NatsmonRun): Record<string, CheckResult> {
  const report = JSON.parse(run.stdout) as { checks: CheckResult[] };
  return Object.fromEntries(report.checks.map((check) => [check.name, check]));
}

describe.skipIf(hosts.length < 3)("natsmon on a stack over three Docker engines (npm run testbed -- --hosts 3)", () => {
  const used = hosts.slice(0, 3);
  const engines = Object.fromEntries(used.map((h) => [h.name, new Docker({ socketPath: h.socket })]));
  const plan = synthLivePlan({
    hosts: Object.fromEntries(used.map((h) => [h.name, { dockerHost: `unix://${h.socket}`, address: h.address }])),
    nats: { natsBox: false, publishEveryNode: undefined, monitoringHostPort: undefined },
  });
  let replayer: PlanReplayer;
  let dir: string;
  let outputsFile: string;

  beforeAll(async () => {
    for (const h of used) await engines[h.name]?.ping();
    replayer = await PlanReplayer.start(docker, plan, TESTBED_IMAGES, engines);
    await replayer.apply([...NODES, "live-prometheus"]);
    dir = mkdtempSync(join(tmpdir(), "natsmon-hosts-live-"));
    outputsFile = join(dir, "outputs.json");
    writeFileSync(outputsFile, JSON.stringify(await outputsOf(plan, replayer)));
  });

  afterAll(async () => {
    await replayer?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("checks the cluster through every host's address over TLS, each host's nodes one by one, and each host's exporter by name", async () => {
    const outputs = JSON.parse(readFileSync(outputsFile, "utf8")) as Record<string, { value: unknown }>;
    expect(Object.keys(outputs.hosts?.value as object)).toEqual(used.map((h) => h.name));
    const run = await runNatsmon(["check", "--outputs", outputsFile, "--only", "nats,exporter", "--json", "--timeout", "5"]);
    const checks = checksOf(run);
    for (const name of ["nats.connect", "nats.servers", "nats.jetstream", "nats.meta-leader", "nats.pubsub", "nats.jetstream-account"]) {
      expect(checks[name]?.status, `${name}: ${checks[name]?.detail}`).toBe("ok");
    }
    for (const [i, h] of used.entries()) {
      expect(checks[`nats.node@${h.name}`]).toMatchObject({
        status: "ok",
        detail: `host ${h.name}: ${NODES[i]} at nats://${h.address}:4222 answer (TLS verified with the stack's CA)`,
      });
      // The testbed has no exporter image: each host's exporter fails, named by its host and address.
      expect(checks[`exporter.metrics@${h.name}`]?.status).toBe("fail");
      expect(checks[`exporter.metrics@${h.name}`]?.detail).toContain(`GET http://${h.address}:7778/metrics on host ${h.name}`);
    }
    expect(run.code).toBe(1);
  });

  it("says which host a failing node is on, and still reaches the cluster through the other hosts", async () => {
    const lost = used[0] as TestHost;
    const node = (engines[lost.name] as Docker).getContainer(NODES[0] as string);
    await node.stop({ t: 0 });
    try {
      const run = await runNatsmon(["check", "--outputs", outputsFile, "--only", "nats", "--json", "--timeout", "5"]);
      const checks = checksOf(run);
      expect(run.code).toBe(1);
      expect(checks["nats.connect"]?.status, checks["nats.connect"]?.detail).toBe("ok");
      expect(checks["nats.servers"]).toMatchObject({ status: "fail" });
      expect(checks["nats.servers"]?.detail).toContain(`missing ${NODES[0]} (on host ${lost.name})`);
      expect(checks["nats.servers"]?.fix).toContain(`docker -H unix://${lost.socket} start ${NODES[0]}`);
      expect(checks[`nats.node@${lost.name}`]?.status).toBe("fail");
      expect(checks[`nats.node@${lost.name}`]?.detail).toContain(`on host ${lost.name}, ${NODES[0]} at nats://${lost.address}:4222`);
      for (const h of used.slice(1)) expect(checks[`nats.node@${h.name}`]?.status).toBe("ok");
    } finally {
      await node.start();
      await waitFor(
        `${NODES[0]} to be healthy again`,
        async () => ((await node.inspect()).State.Health?.Status === "healthy" ? true : undefined),
        { timeoutMs: 60_000, intervalMs: 1_000 },
      );
    }
  });

  it("checks Prometheus on the monitoring host's loopback from that host, and from elsewhere says where it runs", async () => {
    const monitoring = used[0] as TestHost;
    await waitFor(
      "Prometheus to be ready on the monitoring host",
      async () => {
        const { exitCode } = await execIn(
          "live-prometheus",
          ["wget", "-q", "-O", "-", "http://127.0.0.1:9090/-/ready"],
          engines[monitoring.name],
        );
        return exitCode === 0 ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    const there = checksOf(await runNatsmonOnHost(monitoring, ["check", "--outputs", outputsFile, "--only", "prometheus", "--json"]));
    expect(there["prometheus.ready"]).toMatchObject({ status: "ok", detail: "http://127.0.0.1:9090/-/ready answers 200" });
    const elsewhere = checksOf(await runNatsmon(["check", "--outputs", outputsFile, "--only", "prometheus", "--json", "--timeout", "3"]));
    expect(elsewhere["prometheus.ready"]?.status).toBe("fail");
    expect(elsewhere["prometheus.ready"]?.fix).toContain(
      `prometheus runs on the monitoring host ${monitoring.name} (${monitoring.address}), and 127.0.0.1:9090 is that host's loopback`,
    );
  });

  it("backs up the monitoring host's Prometheus volume through that host's engine, as the refusal below tells", async () => {
    const monitoring = used[0] as TestHost;
    const run = await withDockerHost(`unix://${monitoring.socket}`, () =>
      runNatsmon(["backup", "--volume", "live-prometheus-data", "--prometheus-url", "http://127.0.0.1:1", "--out", join(dir, "mon")]),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/live-prometheus-\d{8}\.tar\.gz {2}.* \(live-prometheus-data, stopped, /);
    const prometheus = await (engines[monitoring.name] as Docker).getContainer("live-prometheus").inspect();
    expect(prometheus.State.Running).toBe(true);
  });

  it("refuses a whole-stack backup, restore --cluster and volumes, naming each host's engine and volumes, and touches nothing", async () => {
    const backup = await runNatsmon(["backup", "--outputs", outputsFile, "--out", join(dir, "backups")]);
    expect(backup.code).toBe(2);
    expect(backup.stderr).toContain("this stack spreads over 3 hosts");
    expect(backup.stderr).toContain(
      `${used[0]?.name} (unix://${used[0]?.socket}): DOCKER_HOST=unix://${used[0]?.socket} natsmon backup --volume live-prometheus-data`,
    );
    for (const [i, h] of used.entries()) {
      expect(backup.stderr).toContain(`JetStream (${NODES[i]}-data): nats account backup through the cluster`);
      expect(backup.stderr).toContain(`${h.name} (unix://${h.socket}):`);
    }
    expect(existsSync(join(dir, "backups"))).toBe(false);
    const archive = join(dir, "live-nats-node1-data-20260101.tar.gz");
    writeFileSync(archive, "");
    const restore = await runNatsmon(["restore", "--cluster", "--outputs", outputsFile, archive]);
    expect(restore.code).toBe(2);
    expect(restore.stderr).toContain("natsmon restore --cluster works on one Docker engine");
    const volumes = await runNatsmon(["volumes", "--outputs", outputsFile]);
    expect(volumes.code).toBe(2);
    // One node's volume through its own host's engine: that engine holds one of the cluster's three
    // servers, so natsmon cannot check the others before stopping it, and refuses.
    const h2 = used[1] as TestHost;
    const nodeBackup = await withDockerHost(`unix://${h2.socket}`, () =>
      runNatsmon(["backup", "--volume", `${NODES[1]}-data`, "--prometheus-url", "http://127.0.0.1:1", "--out", join(dir, "node")]),
    );
    expect(nodeBackup.code, nodeBackup.stderr).toBe(2);
    expect(nodeBackup.stderr).toContain(
      `not stopping ${NODES[1]}: its JetStream cluster has 3 servers and this Docker engine holds 1 of them`,
    );
    expect(nodeBackup.stderr).toContain("nats account backup");
    // Nothing was stopped: every node still runs on its host.
    for (const [i, h] of used.entries()) {
      expect((await (engines[h.name] as Docker).getContainer(NODES[i] as string).inspect()).State.Running).toBe(true);
    }
  });
});

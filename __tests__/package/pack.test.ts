import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The published package, used the way a user's project uses it: `npm pack`
 * builds and packs the library, a fresh project installs the tarball next to
 * its own cdktf, and a custom stack made of NatsCluster, Surveyor and
 * PrometheusStack synthesizes from it.
 */
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const own = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const PEERS = ["cdktf", "constructs", "@cdktf/provider-docker", "@cdktf/provider-random", "@cdktf/provider-tls"];

const CUSTOM_STACK = `
import { App, TerraformStack } from "cdktf";
import { Network } from "@cdktf/provider-docker/lib/network/index.js";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider/index.js";
import { RandomProvider } from "@cdktf/provider-random/lib/provider/index.js";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider/index.js";
import { NatsCluster, PrometheusStack, Surveyor } from "nats-jetstream-monitoring";

const app = new App({ outdir: "out" });
const stack = new TerraformStack(app, "custom");
new DockerProvider(stack, "docker");
new RandomProvider(stack, "random");
new TlsProvider(stack, "tls");
const network = new Network(stack, "net", { name: "team-net" });
const cluster = new NatsCluster(stack, "Nats", { network, nodes: 5 });
const surveyor = new Surveyor(stack, "Surveyor", { network, cluster });
new PrometheusStack(stack, "Prometheus", { network, targets: [surveyor] });
app.synth();
`;

describe("the packed library in a fresh project", () => {
  let work: string;
  let project: string;
  let tarball: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "natsmon-pack-"));
    const packed = JSON.parse(
      execFileSync("npm", ["pack", "--json", "--pack-destination", work], {
        cwd: ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
    tarball = join(work, packed[0].filename);
    project = join(work, "consumer");
    mkdirSync(project);
    const dependencies = Object.fromEntries(PEERS.map((name) => [name, own.devDependencies[name]]));
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({
        name: "consumer",
        private: true,
        type: "module",
        dependencies: { ...dependencies, "nats-jetstream-monitoring": `file:${tarball}` },
      }),
    );
    execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: project, stdio: "pipe" });
  }, 300_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("ships compiled JavaScript with type declarations, and no sources or tests", () => {
    const installed = join(project, "node_modules", "nats-jetstream-monitoring");
    expect(existsSync(join(installed, "dist", "index.js"))).toBe(true);
    expect(existsSync(join(installed, "dist", "index.d.ts"))).toBe(true);
    expect(existsSync(join(installed, "dist", "constructs", "nats-cluster.d.ts"))).toBe(true);
    expect(existsSync(join(installed, "index.ts"))).toBe(false);
    expect(existsSync(join(installed, "__tests__"))).toBe(false);
    expect(existsSync(join(installed, "dist", "contract", "index.js"))).toBe(true);
  });

  it("ships no dev script: generators, testbed and bench stay in the repository", () => {
    const dist = join(project, "node_modules", "nats-jetstream-monitoring", "dist");
    const shipped = readdirSync(dist, { recursive: true, encoding: "utf8" }).map((path) => path.split(sep).join("/"));
    expect(shipped.length).toBeGreaterThan(0);
    expect(shipped.filter((path) => path === "scripts" || path.startsWith("scripts/"))).toEqual([]);
    expect(shipped.filter((path) => path === "examples" || path.startsWith("examples/"))).toEqual([]);
    for (const script of ["generate", "generated-files", "write-json", "synth-bench", "empty-app", "main"]) {
      expect(
        shipped.filter((path) => path.split("/").pop()?.startsWith(`${script}.`)),
        script,
      ).toEqual([]);
    }
  });

  it("shares the project's one copy of cdktf and constructs (peer dependencies)", () => {
    const nested = join(project, "node_modules", "nats-jetstream-monitoring", "node_modules");
    for (const peer of PEERS) expect(existsSync(join(nested, peer)), peer).toBe(false);
  });

  it("installs the natsmon command", () => {
    const help = execFileSync(join(project, "node_modules", ".bin", "natsmon"), ["--help"], { cwd: project, encoding: "utf8" });
    for (const command of ["check", "backup", "restore"]) expect(help).toMatch(new RegExp(`^\\s+${command}\\b`, "m"));
  });

  it("synthesizes a custom 5-node stack from NatsCluster, Surveyor and PrometheusStack", () => {
    writeFileSync(join(project, "stack.mjs"), CUSTOM_STACK);
    execFileSync("node", ["stack.mjs"], { cwd: project, stdio: "pipe", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
    const plan = JSON.parse(readFileSync(join(project, "out", "stacks", "custom", "cdk.tf.json"), "utf8"));
    const names = Object.values(plan.resource.docker_container as Record<string, { name: string; command?: string[] }>);
    expect(names.map((c) => c.name).sort()).toEqual([
      "nats-box",
      "nats-node1",
      "nats-node2",
      "nats-node3",
      "nats-node4",
      "nats-node5",
      "nats-surveyor",
      "prometheus",
    ]);
    expect(names.find((c) => c.name === "nats-surveyor")?.command).toContain("--count=5");
  });
});

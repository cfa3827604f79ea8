import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonReport } from "../../cli/check/report.js";
import { resolveTargets } from "../../cli/targets.js";
import { freePort } from "./helpers/nats-test-cluster.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The real CLI in a working directory of the test's choosing. */
function natsmonIn(cwd: string, args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("NATSMON_")));
  return new Promise((resolve, reject) => {
    const child = spawn(`${ROOT}node_modules/.bin/tsx`, [`${ROOT}cli/natsmon.ts`, ...args], { cwd, env: { ...env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("natsmon check and the parts a stack has", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "natsmon-parts-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the parts output", () => {
    expect(resolveTargets({ parts: ["nats", "prometheus"] }, {}).parts).toEqual(["nats", "prometheus"]);
    expect(resolveTargets({}, {}).parts).toBeUndefined();
  });

  it("checks only the parts the outputs list", async () => {
    const outputs = join(dir, "outputs.json");
    writeFileSync(
      outputs,
      JSON.stringify({
        nats_url: `nats://127.0.0.1:${await freePort()}`,
        prometheus_url: `http://127.0.0.1:${await freePort()}`,
        parts: ["nats", "prometheus"],
      }),
    );
    const { code, stdout } = await natsmonIn(dir, ["check", "--json", "--timeout", "2", "--outputs", outputs]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as JsonReport;
    expect([...new Set(report.checks.map((check) => check.group))]).toEqual(["nats", "prometheus"]);
  }, 60_000);

  it("needs no outputs (nor Terraform state) when every endpoint is a flag", async () => {
    // A deployed-looking stack whose `terraform output` cannot work here.
    const project = join(dir, "project");
    mkdirSync(join(project, "cdktf.out", "stacks", "nats-monitoring", ".terraform"), { recursive: true });
    const url = async (scheme: string) => `${scheme}://127.0.0.1:${await freePort()}`;
    const flags = [
      ["--nats-url", await url("nats")],
      ["--surveyor-url", await url("http")],
      ["--exporter-url", await url("http")],
      ["--prometheus-url", await url("http")],
      ["--loki-url", await url("http")],
      ["--grafana-url", await url("http")],
    ].flat();
    const { code, stdout, stderr } = await natsmonIn(project, ["check", "--json", "--timeout", "2", ...flags]);
    expect(stderr).toBe("");
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.source).toBe("flags");
    expect(report.checks.find((check) => check.name === "nats.connect")?.detail).toMatch(/connection refused/);
    // With one endpoint missing, the outputs are needed again, and this folder has none.
    const partial = await natsmonIn(project, ["check", "--json", "--timeout", "2", ...flags.slice(0, -2)]);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toMatch(/^natsmon: /);
  }, 60_000);

  it("refuses a bad URL flag as a usage error (exit 2), not a failed check", async () => {
    for (const args of [
      ["--prometheus-url", "localhost:9090"],
      ["--nats-url", "http://127.0.0.1:4222"],
      ["--grafana-url", "not a url"],
    ]) {
      const { code, stdout, stderr } = await natsmonIn(dir, ["check", ...args]);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toMatch(/expected a .* URL with a host, got/);
      expect(stderr).not.toMatch(/^\s+at /m);
    }
  }, 60_000);

  it("says so when the archive to restore does not exist", async () => {
    const { code, stderr } = await natsmonIn(dir, ["restore", "missing.tar.gz"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^natsmon: no archive at .*missing\.tar\.gz/);
  }, 60_000);
});

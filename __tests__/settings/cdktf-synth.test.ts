import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

/**
 * `npx cdktf synth` itself on a project whose cdktf.json carries the
 * settings: a wrong one is printed once, without a stack trace, and fails the
 * synth; a warning is printed; cdktf.json may name the settings schema.
 */
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface SynthRun {
  readonly dir: string;
  readonly code: number | null;
  readonly output: string;
  readonly stderr: string;
}

function cdktfSynth(context: Record<string, unknown>): Promise<SynthRun> {
  const dir = mkdtempSync(join(tmpdir(), "natsmon-cdktf-synth-"));
  dirs.push(dir);
  writeFileSync(
    join(dir, "cdktf.json"),
    JSON.stringify({
      $schema: `${ROOT}schema/cdktf.schema.json`,
      language: "typescript",
      app: `${ROOT}node_modules/.bin/tsx ${ROOT}main.ts`,
      sendCrashReports: "false",
      context,
    }),
  );
  return new Promise((done) => {
    const child = spawn(`${ROOT}node_modules/.bin/cdktf`, ["synth"], {
      cwd: dir,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", NO_COLOR: "1", CI: "1", CDKTF_CONTEXT_JSON: "" },
    });
    let output = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
      stderr += chunk;
    });
    child.on("close", (code) => done({ dir, code, output, stderr }));
  });
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

describe("npx cdktf synth with the settings in cdktf.json", () => {
  const runs = Promise.all([
    cdktfSynth({ stackName: "nats-monitoring", nats: { node: 5 } }),
    cdktfSynth({ stackName: "nats-monitoring", surveyor: false }),
  ]);

  it("prints a bad setting once, without a stack trace, and fails", async () => {
    const [bad] = await runs;
    const message = 'NatsMonitoringStack "nats-monitoring": nats.node is not a setting, got 5 (did you mean nats.nodes?)';
    expect(bad.code).not.toBe(0);
    expect(count(bad.output, message)).toBe(1);
    expect(bad.output).not.toMatch(/^\s+at /m);
    expect(bad.output).not.toMatch(/TypeError/);
    expect(bad.stderr).toMatch(/error annotations have been encountered/);
    // The stack left behind is an empty one that no Terraform applies.
    const plan = JSON.parse(readFileSync(join(bad.dir, "cdktf.out/stacks/nats-monitoring/cdk.tf.json"), "utf8"));
    expect(plan.terraform.required_version).toBe("0.0.0-settings-error");
    expect(plan.resource).toBeUndefined();
  }, 180_000);

  it("prints a warning once and synthesizes, with $schema at the top of cdktf.json", async () => {
    const [, warned] = await runs;
    expect(warned.code).toBe(0);
    expect(count(warned.output, "WARN [nats-monitoring]: surveyor is false while Grafana is on")).toBe(1);
    const plan = JSON.parse(readFileSync(join(warned.dir, "cdktf.out/stacks/nats-monitoring/cdk.tf.json"), "utf8"));
    expect(plan.output.parts.value).toEqual(["nats", "exporter", "prometheus", "loki", "grafana"]);
  }, 180_000);
});

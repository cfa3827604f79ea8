import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it, vi } from "vitest";
import { EXIT_USAGE } from "../../../cli/natsmon.js";
import type { NatsMonitoringStackProps } from "../../../index.js";
import type { TerraformJson } from "../../../scripts/terraform-emulation/emulate-plan.js";
import { EmulatedTerraform } from "../../../scripts/terraform-emulation/emulated-terraform.js";
import { EmulatedTerraformCli } from "../../../scripts/terraform-emulation/emulated-terraform-cli.js";
import { synthStack } from "../../helpers/plan.js";
import { describeWithTool } from "../../helpers/tools.js";
import { runNatsmon } from "../helpers/run-natsmon.js";

// The command line itself, as an operator runs it: flags, the guard check,
// a plan JSON read with --plan, the dry-run output. No cluster is needed for
// a dry run; a real run without credentials is refused.
vi.setConfig({ testTimeout: 120_000 });

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "natsmon-rollout-cmd-"));
  dirs.push(dir);
  return dir;
};
/** An outputs file without any output: no credentials. */
const noOutputs = (dir: string) => {
  writeFileSync(join(dir, "outputs.json"), "{}");
  return join(dir, "outputs.json");
};
const synth = (props: NatsMonitoringStackProps) => synthStack(props).plan as unknown as TerraformJson;

it("refuses a stack synthesized with the guard on, and says how to synthesize for the rollout", async () => {
  const stackDir = tempDir();
  writeFileSync(join(stackDir, "cdk.tf.json"), JSON.stringify(synth({})));
  const run = await runNatsmon(["rollout", "--dry-run", "--stack-dir", stackDir]);
  expect(run.code).toBe(EXIT_USAGE);
  expect(run.stderr).toMatch(/protects the NATS node containers \(nats-node1, nats-node2, nats-node3\) with prevent_destroy/);
  expect(run.stderr).toMatch(/NATSMON_ALLOW_NATS_REPLACE=1 npx cdktf synth/);
});

describeWithTool("terraform", "natsmon rollout --plan", () => {
  it("--dry-run on a plan JSON prints the order and the commands, without a cluster", async () => {
    const dir = tempDir();
    new EmulatedTerraform(dir).apply(synth({}));
    const cli = new EmulatedTerraformCli(dir);
    cli.synthesize(synth({ nats: { maxFileStore: "20G", allowNodeReplacement: true } }));
    await cli.run(["plan", "-input=false", "-out=p.tfplan"]);
    const planFile = join(dir, "plan.json");
    writeFileSync(planFile, await cli.run(["show", "-json", "p.tfplan"]));
    const stackDir = join(dir, "stack");
    mkdirSync(stackDir);
    const run = await runNatsmon([
      "rollout",
      "--dry-run",
      "--plan",
      planFile,
      "--stack-dir",
      stackDir,
      "--outputs",
      noOutputs(dir),
      "--nats-url",
      "nats://127.0.0.1:1",
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toBe("3 NATS node(s) to replace, one at a time: nats-node1 -> nats-node2 -> nats-node3 (meta leader unknown)");
    expect(lines[1]).toMatch(
      new RegExp(
        `^  nats-node1: terraform -chdir=${stackDir} apply -input=false -auto-approve -target=docker_container\\.Nats_node1_Container_\\w+$`,
      ),
    );
    expect(lines.at(-1)).toBe(`  then: terraform -chdir=${stackDir} apply -input=false natsmon-rollout.tfplan`);
  });

  it("a real run without system-account credentials is refused before anything is planned", async () => {
    const stackDir = tempDir();
    const run = await runNatsmon([
      "rollout",
      "--stack-dir",
      stackDir,
      "--outputs",
      noOutputs(stackDir),
      "--nats-url",
      "nats://127.0.0.1:1",
    ]);
    expect(run.code).toBe(EXIT_USAGE);
    expect(run.stderr).toMatch(/no system-account credentials/);
  });
});

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Id } from "@cdktf/provider-random/lib/id/index.js";
import { RandomProvider } from "@cdktf/provider-random/lib/provider/index.js";
import { App, Lazy, TerraformOutput, TerraformStack } from "cdktf";
import { afterEach, describe, expect, it } from "vitest";
import { skipPreparingPassForSingleStack } from "../../scripts/app/single-stack-prepare.mjs";

const repo = resolve(import.meta.dirname, "../..");
const stackPrototype = (
  createRequire(join(repo, "package.json"))("cdktf/lib/terraform-stack.js") as { TerraformStack: typeof TerraformStack }
).TerraformStack.prototype;
const cdktfPrepareStack = stackPrototype.prepareStack;
afterEach(() => {
  stackPrototype.prepareStack = cdktfPrepareStack;
});

/**
 * Synthesizes the app that `build` makes, into a fresh folder, with cdktf's own
 * prepareStack or the app command's; returns each stack's plan and whether a
 * Lazy value in the first stack was resolved in a preparing pass.
 */
function synth(patched: boolean, build: (app: App, probe: string) => void) {
  stackPrototype.prepareStack = cdktfPrepareStack;
  if (patched) expect(skipPreparingPassForSingleStack(join(repo, "package.json"))).toBe(true);
  const outdir = mkdtempSync(join(tmpdir(), "natsmon-prepare-"));
  try {
    const passes: boolean[] = [];
    const probe = Lazy.stringValue({
      produce: (context) => {
        passes.push(context.preparing);
        return "probe";
      },
    });
    const app = new App({ outdir });
    build(app, probe);
    app.synth();
    const stacks = app.node.findAll().filter(TerraformStack.isStack);
    const plans = Object.fromEntries(
      stacks.map((stack) => [stack.node.id, readFileSync(join(outdir, "stacks", stack.node.id, "cdk.tf.json"), "utf8")]),
    );
    return { plans, preparingPasses: passes.filter((preparing) => preparing).length };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function oneStack(app: App, probe: string) {
  const stack = new TerraformStack(app, "one");
  new RandomProvider(stack, "random");
  new Id(stack, "id", { byteLength: 8, prefix: probe });
  new TerraformOutput(stack, "out", { value: probe });
}

/** Two stacks; the second refers to an attribute of the first, which cdktf carries through an output and remote state. */
function twoStacks(app: App, probe: string) {
  const first = new TerraformStack(app, "first");
  new RandomProvider(first, "random");
  const id = new Id(first, "id", { byteLength: 8, prefix: probe });
  const second = new TerraformStack(app, "second");
  new TerraformOutput(second, "from-first", { value: id.hex });
}

describe("the preparing pass skipped for an app with one stack (the app command's start-up)", () => {
  it("writes the same plan without resolving the stack in a preparing pass", () => {
    const own = synth(false, oneStack);
    const patched = synth(true, oneStack);
    expect(own.preparingPasses).toBeGreaterThan(0);
    expect(patched.preparingPasses).toBe(0);
    expect(patched.plans).toEqual(own.plans);
    // The rest of prepareStack still runs: a local backend when none is configured.
    expect(JSON.parse(patched.plans.one).terraform.backend).toHaveProperty("local");
  });

  it("keeps cdktf's pass when stacks refer to each other, so the references still get their outputs", () => {
    const own = synth(false, twoStacks);
    const patched = synth(true, twoStacks);
    expect(patched.preparingPasses).toBe(own.preparingPasses);
    expect(patched.plans).toEqual(own.plans);
    expect(JSON.parse(patched.plans.first).output).toHaveProperty("cross-stack-output-random_ididhex");
    expect(patched.plans.second).toContain("terraform_remote_state");
  });

  it("changes nothing where no cdktf resolves", () => {
    expect(skipPreparingPassForSingleStack("/nonexistent/natsmon/app.cjs")).toBe(false);
    expect(stackPrototype.prepareStack).toBe(cdktfPrepareStack);
  });
});

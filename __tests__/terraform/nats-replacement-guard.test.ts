import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { guardedNodes } from "../../cli/rollout/replacement-guard.js";
import { ALLOW_NATS_REPLACE_ENV } from "../../contract/index.js";
import type { NatsMonitoringStackProps } from "../../index.js";
import type { TerraformJson } from "../../scripts/terraform-emulation/emulate-plan.js";
import { EmulatedTerraform, type ResourceChange } from "../../scripts/terraform-emulation/emulated-terraform.js";
import { synthStack } from "../helpers/plan.js";
import { describeWithTool } from "../helpers/tools.js";

// The guard that keeps a plain `cdktf deploy` from replacing the NATS nodes
// (all of them at once): prevent_destroy on each node container. Proven with
// real Terraform on the offline emulation: deploy the default stack, then plan
// changes against its state, as `cdktf deploy` would.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function synth(props: NatsMonitoringStackProps): TerraformJson {
  return synthStack(props).plan as unknown as TerraformJson;
}

const changedContainers = (changes: readonly ResourceChange[]) =>
  Object.fromEntries(changes.filter((c) => c.type === "docker_container" && c.kind !== "no-op").map((c) => [c.name, c.kind]));
const changedNodes = (changes: readonly ResourceChange[]) =>
  Object.fromEntries(Object.entries(changedContainers(changes)).filter(([name]) => name.startsWith("nats-node")));

describe("the replacement guard in the synthesized stack", () => {
  it("puts prevent_destroy on every NATS node container by default, and on no other container", () => {
    const plan = synth({ nats: { nodes: 5 } }) as Parameters<typeof guardedNodes>[0];
    expect(guardedNodes(plan)).toEqual(["nats-node1", "nats-node2", "nats-node3", "nats-node4", "nats-node5"]);
    const others = Object.values(plan.resource?.docker_container ?? {}).filter((c) => !String(c.name).startsWith("nats-node"));
    expect(others.length).toBeGreaterThan(3);
    for (const container of others) expect(container.lifecycle?.prevent_destroy).toBeUndefined();
  });

  it("is off with allowNodeReplacement, or with NATSMON_ALLOW_NATS_REPLACE=1 at synth time", () => {
    expect(guardedNodes(synth({ nats: { allowNodeReplacement: true } }) as Parameters<typeof guardedNodes>[0])).toEqual([]);
    const before = process.env[ALLOW_NATS_REPLACE_ENV];
    process.env[ALLOW_NATS_REPLACE_ENV] = "1";
    try {
      expect(guardedNodes(synth({}) as Parameters<typeof guardedNodes>[0])).toEqual([]);
      // An explicit prop wins over the environment.
      expect(guardedNodes(synth({ nats: { allowNodeReplacement: false } }) as Parameters<typeof guardedNodes>[0])).toHaveLength(3);
    } finally {
      if (before === undefined) delete process.env[ALLOW_NATS_REPLACE_ENV];
      else process.env[ALLOW_NATS_REPLACE_ENV] = before;
    }
  });
});

describeWithTool("terraform", "real Terraform: a plain apply cannot replace the NATS nodes", () => {
  const tf = (() => {
    const dir = mkdtempSync(join(tmpdir(), "natsmon-guard-"));
    dirs.push(dir);
    return new EmulatedTerraform(dir);
  })();
  beforeAll(() => {
    tf.apply(synth({}));
  }, 180_000);

  it.each([
    ["a new NATS image", { nats: { image: "nats:2.14.10-alpine" } }],
    ["a nats-server setting (maxFileStore)", { nats: { maxFileStore: "20G" } }],
  ] as const)("%s: the plan fails, naming the node containers and prevent_destroy", (_, props) => {
    const outcome = tf.tryPlan(synth(props));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error).toMatch(/Instance cannot be destroyed/);
    expect(outcome.error).toMatch(/lifecycle\.prevent_destroy/);
    expect(outcome.error).toMatch(/docker_container__Nats_node1_Container_/);
  });

  it("the same change synthesized for the rollout plans the replacement of every node", () => {
    const changes = tf.plan(synth({ nats: { image: "nats:2.14.10-alpine", allowNodeReplacement: true } }));
    expect(changedNodes(changes)).toEqual({ "nats-node1": "replace", "nats-node2": "replace", "nats-node3": "replace" });
  });

  it("changes that replace no node still plan: scale out to 5, another part's setting", () => {
    // Surveyor and the exporter follow the server list (replaced); no node is.
    expect(changedNodes(tf.plan(synth({ nats: { nodes: 5 } })))).toEqual({ "nats-node4": "create", "nats-node5": "create" });
    const alertmanager = changedContainers(tf.plan(synth({ prometheus: { alertmanager: true } })));
    expect(Object.keys(alertmanager).filter((name) => name.startsWith("nats-node"))).toEqual([]);
    expect(Object.keys(alertmanager).length).toBeGreaterThan(0);
  });
});

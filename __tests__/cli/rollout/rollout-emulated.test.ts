import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it, vi } from "vitest";
import { NatsmonError } from "../../../cli/natsmon-error.js";
import type { JetStreamCluster, StreamGroup } from "../../../cli/rollout/jetstream-cluster.js";
import { natsNodeChanges } from "../../../cli/rollout/plan-json.js";
import { type RolloutSettings, rollout } from "../../../cli/rollout/rollout.js";
import type { NatsMonitoringStackProps } from "../../../index.js";
import { originalAddress, type TerraformJson } from "../../../scripts/terraform-emulation/emulate-plan.js";
import { EmulatedTerraform } from "../../../scripts/terraform-emulation/emulated-terraform.js";
import { EmulatedTerraformCli } from "../../../scripts/terraform-emulation/emulated-terraform-cli.js";
import { synthStack } from "../../helpers/plan.js";
import { describeWithTool } from "../../helpers/tools.js";

// Real Terraform on the offline emulation (terraform_data for every docker
// and random resource): deploy configuration A, change the NATS image (B),
// and let the rollout drive Terraform with its real command lines. The
// cluster is a scripted double: what Terraform does is real, what the
// cluster answers is chosen per test.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const STACK_DIR = "cdktf.out/stacks/test";
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function synth(props: NatsMonitoringStackProps): TerraformJson {
  return synthStack(props).plan as unknown as TerraformJson;
}

/** Configuration A applied, configuration B written: the rollout plans B against A's state. */
function deployed(a: NatsMonitoringStackProps, b: NatsMonitoringStackProps): EmulatedTerraformCli {
  const dir = mkdtempSync(join(tmpdir(), "natsmon-rollout-"));
  dirs.push(dir);
  new EmulatedTerraform(dir).apply(synth(a));
  const cli = new EmulatedTerraformCli(dir);
  cli.synthesize(synth(b));
  return cli;
}

/** The emulated id of every NATS node container in the state: a new id = a replaced container. */
function nodeIds(dir: string): Record<string, string> {
  const shown = spawnSync("terraform", ["show", "-json", "-no-color"], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });
  const state = JSON.parse(shown.stdout) as {
    values?: { root_module?: { resources?: { address: string; values: { id: string; triggers_replace?: { name?: string } } }[] } };
  };
  const ids: Record<string, string> = {};
  for (const resource of state.values?.root_module?.resources ?? []) {
    const name = resource.values.triggers_replace?.name;
    if (originalAddress(resource.address).startsWith("docker_container.") && name?.startsWith("nats-node")) ids[name] = resource.values.id;
  }
  return ids;
}

/** A scripted cluster: a meta leader that moves on step-down, nodes current unless told otherwise. */
class ScriptedCluster implements JetStreamCluster {
  readonly events: string[] = [];
  constructor(
    public leader: string,
    private readonly names: readonly string[],
    private readonly neverCurrent?: string,
  ) {}
  async metaLeader() {
    return this.leader;
  }
  async servers() {
    return [...this.names];
  }
  async stepDownMetaLeader() {
    this.events.push(`stepdown ${this.leader}`);
    this.leader = this.names.find((name) => name !== this.leader) as string;
  }
  async notCurrent(node: string) {
    return node === this.neverCurrent ? `stream ORDERS: replica on ${node} not current` : undefined;
  }
  /** Stream name -> its servers; a moved replica lands on the first server not in the group, as the meta leader may place it. */
  readonly groups = new Map<string, string[]>();
  async streamGroups() {
    return [...this.groups].map(([stream, members]) => ({ account: "APP", stream, members }));
  }
  async moveStreamReplica({ stream }: StreamGroup, node: string) {
    this.events.push(`move ${stream} off ${node}`);
    const members = this.groups.get(stream) as string[];
    const target = this.names.find((name) => !members.includes(name)) as string;
    this.groups.set(
      stream,
      members.map((member) => (member === node ? target : member)),
    );
  }
  async removePeer(node: string) {
    this.events.push(`peer-remove ${node}`);
  }
  async close() {}
}

const A: NatsMonitoringStackProps = {};
// Synthesized for the rollout (as with NATSMON_ALLOW_NATS_REPLACE=1): no prevent_destroy on the nodes.
const B: NatsMonitoringStackProps = { nats: { image: "nats:2.10.29-alpine", allowNodeReplacement: true } };
const NODES = ["nats-node1", "nats-node2", "nats-node3"];

function settings(overrides: Partial<RolloutSettings> = {}): RolloutSettings {
  return {
    stackDir: STACK_DIR,
    planFile: "rollout.tfplan",
    dryRun: false,
    nodeTimeoutMs: 300,
    pollMs: 50,
    rerun: "run natsmon rollout again",
    ...overrides,
  };
}

/** The address of each node container in B's plan, by name. */
function addresses(cli: EmulatedTerraformCli): Promise<Record<string, string>> {
  return (async () => {
    await cli.run(["plan", "-input=false", "-out=probe.tfplan"]);
    const plan = JSON.parse(await cli.run(["show", "-json", "probe.tfplan"]));
    cli.commands.length = 0;
    return Object.fromEntries(natsNodeChanges(plan).replaced.map((node) => [node.name, node.address]));
  })();
}

describeWithTool("terraform", "natsmon rollout on real Terraform over the emulation", () => {
  it("an image change: followers first, the leader last after its step-down, one node per targeted apply, then the rest", async () => {
    const cli = deployed(A, B);
    const address = await addresses(cli);
    expect(Object.keys(address)).toEqual(NODES);
    const cluster = new ScriptedCluster("nats-node1", NODES);
    const replacedPerApply: string[][] = [];
    let before = nodeIds(cli.dir);
    const recording = {
      run: async (args: readonly string[]) => {
        const out = await cli.run(args);
        if (args.some((arg) => arg.startsWith("-target="))) {
          const after = nodeIds(cli.dir);
          replacedPerApply.push(Object.keys(after).filter((name) => after[name] !== before[name]));
          before = after;
        }
        return out;
      },
    };
    const lines: string[] = [];
    const result = await rollout(recording, cluster, settings(), (line) => lines.push(line));

    expect(result.order).toEqual(["nats-node2", "nats-node3", "nats-node1"]);
    expect(cluster.events).toEqual(["stepdown nats-node1"]);
    expect(replacedPerApply).toEqual([["nats-node2"], ["nats-node3"], ["nats-node1"]]);
    expect(cli.commands).toEqual([
      [`-chdir=${STACK_DIR}`, "plan", "-input=false", "-out=rollout.tfplan"],
      [`-chdir=${STACK_DIR}`, "show", "-json", "rollout.tfplan"],
      [`-chdir=${STACK_DIR}`, "apply", "-input=false", "-auto-approve", `-target=${address["nats-node2"]}`],
      [`-chdir=${STACK_DIR}`, "apply", "-input=false", "-auto-approve", `-target=${address["nats-node3"]}`],
      [`-chdir=${STACK_DIR}`, "apply", "-input=false", "-auto-approve", `-target=${address["nats-node1"]}`],
      [`-chdir=${STACK_DIR}`, "plan", "-input=false", "-out=rollout.tfplan"],
      [`-chdir=${STACK_DIR}`, "show", "-json", "rollout.tfplan"],
      [`-chdir=${STACK_DIR}`, "apply", "-input=false", "rollout.tfplan"],
    ]);
    expect(lines.some((line) => line.startsWith("[3/3] nats-node1: meta leader: asking it to step down"))).toBe(true);
    // Everything of B is applied: the next plan changes nothing.
    const left = new EmulatedTerraform(cli.dir).plan(synth(B)).filter((change) => change.kind !== "no-op");
    expect(left).toEqual([]);
    // Running it again is the resume path: nothing left to replace.
    cli.commands.length = 0;
    const again = await rollout(cli, cluster, settings(), () => {});
    expect(again).toEqual({ order: [], appliedRest: false });
  });

  it("--dry-run prints the order and the exact commands and changes nothing", async () => {
    const cli = deployed(A, B);
    const address = await addresses(cli);
    const before = nodeIds(cli.dir);
    const lines: string[] = [];
    await rollout(cli, new ScriptedCluster("nats-node3", NODES), settings({ dryRun: true }), (line) => lines.push(line));
    expect(lines).toEqual([
      "3 NATS node(s) to replace, one at a time: nats-node1 -> nats-node2 -> nats-node3 (meta leader: nats-node3)",
      `  nats-node1: terraform -chdir=${STACK_DIR} apply -input=false -auto-approve -target=${address["nats-node1"]}`,
      "  nats-node1: wait until healthy and every stream and consumer replica on it is current",
      `  nats-node2: terraform -chdir=${STACK_DIR} apply -input=false -auto-approve -target=${address["nats-node2"]}`,
      "  nats-node2: wait until healthy and every stream and consumer replica on it is current",
      "  nats-node3: $JS.API.META.LEADER.STEPDOWN, wait for another meta leader",
      `  nats-node3: terraform -chdir=${STACK_DIR} apply -input=false -auto-approve -target=${address["nats-node3"]}`,
      "  nats-node3: wait until healthy and every stream and consumer replica on it is current",
      `  then: terraform -chdir=${STACK_DIR} plan -input=false -out=rollout.tfplan`,
      `  then: terraform -chdir=${STACK_DIR} apply -input=false rollout.tfplan`,
    ]);
    expect(nodeIds(cli.dir)).toEqual(before);
  });

  it("a node that does not become current stops the rollout before the next node, with how to resume", async () => {
    const cli = deployed(A, B);
    const address = await addresses(cli);
    const before = nodeIds(cli.dir);
    const failing = rollout(cli, new ScriptedCluster("nats-node3", NODES, "nats-node1"), settings(), () => {});
    await expect(failing).rejects.toThrow(NatsmonError);
    await expect(failing).rejects.toThrow(/nats-node1 was replaced but is not current .*the next node was not touched/);
    await failing.catch((error: NatsmonError) =>
      expect(error.fix).toMatch(/run natsmon rollout again: replaced nodes no longer appear in the plan/),
    );
    expect(cli.commands.filter((args) => args.includes("apply"))).toEqual([
      [`-chdir=${STACK_DIR}`, "apply", "-input=false", "-auto-approve", `-target=${address["nats-node1"]}`],
    ]);
    const after = nodeIds(cli.dir);
    expect(NODES.filter((name) => after[name] !== before[name])).toEqual(["nats-node1"]);
  });

  it("5 nodes with the leader on a seed: nodes 4 and 5 wait for the seeds they depend on", async () => {
    const five = { nats: { nodes: 5 } };
    const cli = deployed(five, { nats: { nodes: 5, image: "nats:2.10.29-alpine", allowNodeReplacement: true } });
    const names = [...NODES, "nats-node4", "nats-node5"];
    const result = await rollout(cli, new ScriptedCluster("nats-node1", names), settings({ dryRun: true }), () => {});
    // node4 depends on the seeds (node1 among them), node5 on node4: the
    // leader cannot go last without a targeted apply taking two nodes at once.
    expect(result.order).toEqual(["nats-node2", "nats-node3", "nats-node1", "nats-node4", "nats-node5"]);
  });
});

describeWithTool("terraform", "natsmon rollout scales in on real Terraform over the emulation", () => {
  const FIVE = ["nats-node1", "nats-node2", "nats-node3", "nats-node4", "nats-node5"];

  it("5 -> 3: moves the replicas off each leaving node, destroys it alone, peer-removes it, keeps its volume", async () => {
    const cli = deployed({ nats: { nodes: 5 } }, { nats: { nodes: 3 } });
    await cli.run(["plan", "-input=false", "-out=probe.tfplan"]);
    const probe = natsNodeChanges(JSON.parse(await cli.run(["show", "-json", "probe.tfplan"])));
    cli.commands.length = 0;
    const address = Object.fromEntries(probe.removed.map((node) => [node.name, node.address]));
    expect(Object.keys(address)).toEqual(["nats-node4", "nats-node5"]);

    const cluster = new ScriptedCluster("nats-node4", FIVE);
    cluster.groups.set("ORDERS", ["nats-node5", "nats-node1", "nats-node2"]);
    cluster.groups.set("EVENTS", ["nats-node3", "nats-node4", "nats-node5"]);
    const timeline: string[] = [];
    let applyOutput = "";
    const recording = {
      run: async (args: readonly string[]) => {
        timeline.push(`terraform ${args.slice(1).join(" ")}`);
        const out = await cli.run(args);
        if (args.includes("apply")) applyOutput += out;
        return out;
      },
    };
    const pushEvent = cluster.events.push.bind(cluster.events);
    cluster.events.push = (...items: string[]) => {
      timeline.push(...items);
      return pushEvent(...items);
    };
    await rollout(recording, cluster, settings(), () => {});
    expect(timeline).toEqual([
      "terraform plan -input=false -out=rollout.tfplan",
      "terraform show -json rollout.tfplan",
      "move ORDERS off nats-node5",
      "move EVENTS off nats-node5",
      `terraform apply -input=false -auto-approve -target=${address["nats-node5"]}`,
      "peer-remove nats-node5",
      "move EVENTS off nats-node4",
      "stepdown nats-node4",
      `terraform apply -input=false -auto-approve -target=${address["nats-node4"]}`,
      "peer-remove nats-node4",
      "terraform plan -input=false -out=rollout.tfplan",
      "terraform show -json rollout.tfplan",
      "terraform apply -input=false rollout.tfplan",
    ]);
    expect(Object.fromEntries(cluster.groups)).toEqual({
      ORDERS: ["nats-node3", "nats-node1", "nats-node2"],
      EVENTS: ["nats-node3", "nats-node2", "nats-node1"],
    });
    // The leaving containers were destroyed, their volumes only forgotten (removed blocks, destroy = false).
    expect(applyOutput).toMatch(/docker_container__Nats_node5_Container_\w+: Destruction complete/);
    expect(applyOutput).toMatch(/docker_container__Nats_node4_Container_\w+: Destruction complete/);
    expect(applyOutput).not.toMatch(/docker_volume__\S+: Destroying/);
    expect(Object.keys(nodeIds(cli.dir)).sort()).toEqual(NODES);
    expect(new EmulatedTerraform(cli.dir).plan(synth({ nats: { nodes: 3 } })).filter((c) => c.kind !== "no-op")).toEqual([]);
  });

  it("refuses, naming the streams, when a stream has more replicas than nodes remain; nothing is applied", async () => {
    const cli = deployed({ nats: { nodes: 5 } }, { nats: { nodes: 3 } });
    const cluster = new ScriptedCluster("nats-node1", FIVE);
    cluster.groups.set("WIDE", FIVE);
    cluster.groups.set("NARROW", FIVE.slice(0, 3));
    await expect(rollout(cli, cluster, settings(), () => {})).rejects.toThrow(
      "scaling in to 3 node(s) would leave streams with fewer nodes than replicas: WIDE (R5)",
    );
    expect(cli.commands.filter((args) => args.includes("apply"))).toEqual([]);
    expect(cluster.events).toEqual([]);
  });
});

export type { StreamGroup };

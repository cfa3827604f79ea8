import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { NatsMonitoringStackProps } from "../../index.js";
import type { TerraformJson } from "../../scripts/terraform-emulation/emulate-plan.js";
import { type ApplyStep, EmulatedTerraform, type ResourceChange } from "../../scripts/terraform-emulation/emulated-terraform.js";
import { synthStack } from "../helpers/plan.js";
import { describeWithTool } from "../helpers/tools.js";

// Real Terraform (1.11 here) on pairs of synthesized plans, with the docker
// and random resources emulated by terraform_data (no provider can be
// downloaded): apply plan A, then plan B against its state. Each terraform run
// takes a few seconds (more on a busy machine): generous timeouts.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

/** Every part on, Alertmanager too, so each can be turned off. */
const EVERYTHING: NatsMonitoringStackProps = { prometheus: { alertmanager: true } };

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function terraformIn(): EmulatedTerraform {
  const dir = mkdtempSync(join(tmpdir(), "natsmon-tf-"));
  dirs.push(dir);
  return new EmulatedTerraform(dir);
}

function synth(props: NatsMonitoringStackProps): TerraformJson {
  return synthStack(props).plan as unknown as TerraformJson;
}

/** `{ name: kind }` of every resource of `type` that the plan changes (no-ops left out). */
function changedByName(changes: readonly ResourceChange[], type: string): Record<string, string> {
  return Object.fromEntries(
    changes
      .filter((c) => c.type === type && c.kind !== "no-op")
      .map((c) => [c.name ?? c.address, c.replaceOrder ? `${c.kind} (${c.replaceOrder})` : c.kind]),
  );
}

/** The names of the volumes the plan deletes or replaces: must always be none. */
function destroyedVolumes(changes: readonly ResourceChange[]): string[] {
  return changes.filter((c) => c.type === "docker_volume" && (c.kind === "delete" || c.kind === "replace")).map((c) => c.name ?? c.address);
}

const REPLACED = "replace (delete-then-create)";

describeWithTool("terraform", "real Terraform on plan pairs", () => {
  describe("from every part on (3 nodes, Alertmanager on)", () => {
    const tf = terraformIn();
    beforeAll(() => {
      tf.apply(synth(EVERYTHING));
    }, 120_000);

    it("the same configuration plans no change at all", () => {
      expect(tf.plan(synth(EVERYTHING)).filter((c) => c.kind !== "no-op")).toEqual([]);
    });

    it("3 -> 5 nodes creates nodes 4 and 5 with their volumes and leaves nodes 1-3 untouched", () => {
      const changes = tf.plan(synth({ ...EVERYTHING, nats: { nodes: 5 } }));
      expect(changedByName(changes, "docker_volume")).toEqual({ "nats-node4-data": "create", "nats-node5-data": "create" });
      // The parts that list every node (Surveyor's -c, the exporter's URLs, nats-box's context) are replaced; nodes 1-3 are not.
      expect(changedByName(changes, "docker_container")).toEqual({
        "nats-node4": "create",
        "nats-node5": "create",
        "nats-surveyor": REPLACED,
        "nats-exporter": REPLACED,
        "nats-box": REPLACED,
      });
    });

    it.each<[string, NatsMonitoringStackProps, string[], string[]]>([
      ["alertmanager", { prometheus: { alertmanager: false } }, ["alertmanager-data"], ["alertmanager"]],
      ["grafana", { ...EVERYTHING, grafana: false }, ["grafana-data"], ["grafana"]],
      [
        "loki (and grafana, which needs it)",
        { ...EVERYTHING, loki: false, grafana: false },
        ["loki-data", "alloy-data", "grafana-data"],
        ["loki", "alloy", "grafana"],
      ],
      [
        "prometheus (and grafana, which needs it)",
        { prometheus: false, grafana: false },
        ["prometheus-data", "alertmanager-data", "grafana-data"],
        ["prometheus", "alertmanager", "grafana"],
      ],
      ["surveyor", { ...EVERYTHING, surveyor: false }, [], ["nats-surveyor"]],
      ["exporter", { ...EVERYTHING, exporter: false }, [], ["nats-exporter"]],
    ])("turning %s off deletes its containers and forgets (keeps) its volumes", (_part, props, forgotten, deleted) => {
      const changes = tf.plan(synth(props));
      expect(destroyedVolumes(changes)).toEqual([]);
      expect(changedByName(changes, "docker_volume")).toEqual(Object.fromEntries(forgotten.map((name) => [name, "forget"])));
      const containers = changedByName(changes, "docker_container");
      for (const name of deleted) expect(containers[name], name).toBe("delete");
    });

    it("a new scrape interval replaces Prometheus, and Grafana, whose data source carries the interval", () => {
      const changes = tf.plan(synth({ prometheus: { alertmanager: true, scrapeInterval: "15s" } }));
      expect(changedByName(changes, "docker_container")).toEqual({ prometheus: REPLACED, grafana: REPLACED });
      expect(destroyedVolumes(changes)).toEqual([]);
    });

    it("a new Prometheus retention replaces Prometheus alone", () => {
      const changes = tf.plan(synth({ prometheus: { alertmanager: true, retentionTime: "30d" } }));
      expect(changedByName(changes, "docker_container")).toEqual({ prometheus: REPLACED });
      expect(changedByName(changes, "docker_volume")).toEqual({});
    });

    it("a new Loki retention replaces Loki alone", () => {
      const changes = tf.plan(synth({ ...EVERYTHING, loki: { retentionPeriod: "336h" } }));
      expect(changedByName(changes, "docker_container")).toEqual({ loki: REPLACED });
      expect(changedByName(changes, "docker_volume")).toEqual({});
    });

    it("a custom dashboard replaces Grafana alone", () => {
      const dir = mkdtempSync(join(tmpdir(), "natsmon-dash-"));
      dirs.push(dir);
      writeFileSync(join(dir, "team.json"), JSON.stringify({ uid: "team", title: "Team", panels: [] }));
      const changes = tf.plan(synth({ ...EVERYTHING, grafana: { customDashboardsDir: dir } }));
      expect(changedByName(changes, "docker_container")).toEqual({ grafana: REPLACED });
      expect(changedByName(changes, "docker_volume")).toEqual({});
    });

    it("switching the log collector forgets Alloy's positions volume and creates Promtail's", () => {
      const changes = tf.plan(synth({ ...EVERYTHING, loki: { collector: "promtail" } }));
      expect(changedByName(changes, "docker_volume")).toEqual({ "alloy-data": "forget", "promtail-positions": "create" });
      expect(destroyedVolumes(changes)).toEqual([]);
    });
  });

  describe("scaling in from 5 nodes", () => {
    const tf = terraformIn();
    const five = { ...EVERYTHING, nats: { nodes: 5 } };
    beforeAll(() => {
      tf.apply(synth(five));
    }, 120_000);

    it("5 -> 3 deletes nodes 4 and 5 and forgets their volumes; nodes 1-3 untouched", () => {
      const changes = tf.plan(synth(EVERYTHING));
      expect(changedByName(changes, "docker_volume")).toEqual({ "nats-node4-data": "forget", "nats-node5-data": "forget" });
      expect(changedByName(changes, "docker_container")).toEqual({
        "nats-node4": "delete",
        "nats-node5": "delete",
        "nats-surveyor": REPLACED,
        "nats-exporter": REPLACED,
        "nats-box": REPLACED,
      });
    });

    // prevent_destroy lives in the resource block: once the block is gone from the
    // configuration, it no longer protects anything. The removed blocks are what keeps the data.
    it.each([true, false])("without the removed blocks, 5 -> 3 would delete both volumes, even with protectData: %s", (protectData) => {
      const { removed: _removed, ...withoutRemoved } = synth({ ...EVERYTHING, protectData });
      expect(destroyedVolumes(tf.plan(withoutRemoved)).sort()).toEqual(["nats-node4-data", "nats-node5-data"]);
    });
  });

  describe("turning a part off and on again", () => {
    it("plans a create of a volume with the same name, which Docker answers with the kept volume", () => {
      const tf = terraformIn();
      tf.apply(synth(EVERYTHING));
      const forgotten = tf.apply(synth({ ...EVERYTHING, grafana: false }));
      expect(forgotten.filter((step) => step.address.startsWith("docker_volume."))).toEqual([]);
      const changes = tf.plan(synth(EVERYTHING));
      expect(changedByName(changes, "docker_volume")).toEqual({ "grafana-data": "create" });
      // The same address as before: the part's volume comes back under the address Terraform forgot.
      const grafanaVolume = Object.keys(synth(EVERYTHING).resource?.docker_volume ?? {}).find((id) => id.startsWith("Grafana_"));
      expect(changes.find((c) => c.name === "grafana-data")?.address).toBe(`docker_volume.${grafanaVolume}`);
    }, 120_000);
  });

  describe("a new NATS image", () => {
    let steps: ApplyStep[] = [];
    let changes: ResourceChange[] = [];
    beforeAll(() => {
      const tf = terraformIn();
      tf.apply(synth({ ...EVERYTHING, nats: { nodes: 5 } }));
      // What a plain apply would do if the replacement guard were off (allowNodeReplacement).
      const next = synth({ ...EVERYTHING, nats: { nodes: 5, image: "nats:2.14.10-alpine", allowNodeReplacement: true } });
      changes = tf.plan(next);
      steps = tf.apply(next);
    }, 120_000);

    const position = (name: string, action: ApplyStep["action"]) => {
      const address = changes.find((c) => c.name === name)?.address;
      const index = steps.findIndex((step) => step.address === address && step.action === action);
      if (index < 0) throw new Error(`no ${action} of ${name} in the apply`);
      return index;
    };
    const nodes = ["nats-node1", "nats-node2", "nats-node3", "nats-node4", "nats-node5"];

    it("replaces every node, and nothing else but the image; no volume is touched", () => {
      // depends_on orders, it does not replace: Surveyor, the exporter and nats-box keep running.
      expect(changedByName(changes, "docker_container")).toEqual(Object.fromEntries(nodes.map((node) => [node, REPLACED])));
      expect(changedByName(changes, "docker_image")).toEqual({ "nats:2.14.9-alpine": "delete", "nats:2.14.10-alpine": "create" });
      expect(changedByName(changes, "docker_volume")).toEqual({});
    });

    it("takes the later nodes down before the seeds and brings them up after, one after the other", () => {
      // The chain: node 5 after node 4, node 4 after the seeds.
      expect(position("nats-node5", "delete")).toBeLessThan(position("nats-node4", "delete"));
      for (const seed of nodes.slice(0, 3)) {
        expect(position("nats-node4", "delete")).toBeLessThan(position(seed, "delete"));
        expect(position(seed, "create")).toBeLessThan(position("nats-node4", "create"));
      }
      expect(position("nats-node4", "create")).toBeLessThan(position("nats-node5", "create"));
    });
    // The seeds themselves are not ordered against each other: Terraform replaces them in parallel, so
    // every node of a 3-node cluster can be down at once. natsmon's rollout (one node at a time) is the
    // safe path for a new image.
  });
});

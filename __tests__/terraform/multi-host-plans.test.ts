import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { NatsMonitoringStackProps } from "../../index.js";
import type { TerraformJson } from "../../scripts/terraform-emulation/emulate-plan.js";
import { EmulatedTerraform, type ResourceChange } from "../../scripts/terraform-emulation/emulated-terraform.js";
import { type Plan, resourcesOf, synthStack } from "../helpers/plan.js";
import { describeWithTool } from "../helpers/tools.js";

// Blast radius of multi-host changes, judged by real Terraform on the offline
// emulation (see plan-pairs.test.ts): apply plan A, plan B against its state.
// The emulation drops the provider meta-argument, so which engine a resource
// lives on is compared on the synthesized plans themselves.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const HOSTS = {
  "nats-a": { dockerHost: "unix:///run/natsmon-a.sock", address: "10.99.0.11" },
  "nats-b": { dockerHost: "unix:///run/natsmon-b.sock", address: "10.99.0.12" },
  "nats-c": { dockerHost: "unix:///run/natsmon-c.sock", address: "10.99.0.13" },
};
const MON = { dockerHost: "unix:///run/natsmon-mon.sock", address: "10.99.0.20", nats: false };
const THREE: NatsMonitoringStackProps = { hosts: HOSTS, prometheus: { alertmanager: true } };

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function synth(props: NatsMonitoringStackProps): Plan {
  return synthStack(props).plan;
}

/** Apply `before`, then plan `after` against its state. */
function planPair(before: Plan, after: Plan): ResourceChange[] {
  const dir = mkdtempSync(join(tmpdir(), "natsmon-tf-hosts-"));
  dirs.push(dir);
  const tf = new EmulatedTerraform(dir);
  tf.apply(before as unknown as TerraformJson);
  return tf.plan(after as unknown as TerraformJson);
}

/** Names of the NATS node containers and data volumes (and their TLS material) that the plan touches. */
function touchedNats(changes: readonly ResourceChange[]): string[] {
  return changes
    .filter((c) => c.kind !== "no-op" && /Nats_node\d/.test(c.address))
    .map((c) => `${c.address}: ${c.kind}`)
    .sort();
}

/** The provider of every NATS node container and volume, by name. */
function nodeEngines(plan: Plan): Record<string, string> {
  const entries = ["docker_container", "docker_volume"].flatMap((type) =>
    Object.values(resourcesOf(plan, type))
      .filter((r) => /^nats-node\d/.test(String(r.name)))
      .map((r) => [`${type}:${r.name}`, String(r.provider)]),
  );
  return Object.fromEntries(entries);
}

describeWithTool("terraform", "real Terraform on multi-host plan pairs", () => {
  describe("three hosts, monitoring on nats-a", () => {
    const before = synth(THREE);

    it("adding a monitoring-only host and moving monitoring there touches no NATS node, certificate or volume", () => {
      const after = synth({ ...THREE, hosts: { ...HOSTS, mon: MON }, monitoringHost: "mon" });
      const changes = planPair(before, after);
      expect(touchedNats(changes)).toEqual([]);
      expect(nodeEngines(after)).toEqual(nodeEngines(before));
      // The parts that moved are new on the new host: the plan is not empty.
      const prometheus = Object.values(resourcesOf(after, "docker_container")).find((c) => c.name === "prometheus");
      expect(prometheus?.provider).toBe("docker.mon");
      expect(changes.filter((c) => c.type === "docker_container" && c.kind !== "no-op").length).toBeGreaterThan(0);
    });

    it("moving the monitoring host to nats-c touches no NATS node", () => {
      const after = synth({ ...THREE, monitoringHost: "nats-c" });
      const changes = planPair(before, after);
      expect(touchedNats(changes)).toEqual([]);
      expect(nodeEngines(after)).toEqual(nodeEngines(before));
      const loki = Object.values(resourcesOf(after, "docker_container")).find((c) => c.name === "loki");
      expect(loki?.provider).toBe("docker.nats-c");
    });

    it("3 -> 5 nodes over the same hosts creates nodes 4 and 5 and leaves nodes 1-3 alone", () => {
      const after = synth({ ...THREE, nats: { nodes: 5 } });
      const changes = planPair(before, after);
      expect(touchedNats(changes).filter((line) => /Nats_node[123][-_]/.test(line))).toEqual([]);
      expect(touchedNats(changes).some((line) => /Nats_node4_Container.*: create/.test(line))).toBe(true);
      // A check that can fail: a new TLS name for node 2 replaces its container, which prevent_destroy refuses.
      const renamed = synth({ ...THREE, nats: { tlsNames: { "nats-node2": ["nats-b.example.com"] } } });
      const dir = mkdtempSync(join(tmpdir(), "natsmon-tf-hosts-"));
      dirs.push(dir);
      const tf = new EmulatedTerraform(dir);
      tf.apply(before as unknown as TerraformJson);
      const outcome = tf.tryPlan(renamed as unknown as TerraformJson);
      expect(outcome.ok).toBe(false);
      expect(outcome.ok ? "" : outcome.error).toMatch(/Instance cannot be destroyed[\s\S]*Nats_node2/);
    });
  });
});

import { describe, expect, it } from "vitest";
import { PART_VOLUME_BASE_NAMES, prefixFromServers, stackVolumeNames } from "../../cli/volumes/stack-volume-names.js";
import type { NatsMonitoringStackProps } from "../../index.js";
import { resourcesOf, synthStack } from "../helpers/plan.js";

/** The largest configurations: every address and name a data volume can have. */
const LARGEST: NatsMonitoringStackProps[] = [
  { namePrefix: "t", nats: { nodes: 15 }, prometheus: { alertmanager: true } },
  { namePrefix: "t", nats: { nodes: 15 }, prometheus: { alertmanager: true }, loki: { collector: "promtail" } },
];
/** The smallest: one node, every part off. */
const SMALLEST: NatsMonitoringStackProps = {
  namePrefix: "t",
  nats: { nodes: 1 },
  surveyor: false,
  exporter: false,
  prometheus: false,
  loki: false,
  grafana: false,
};

function volumes(props: NatsMonitoringStackProps): Record<string, { name: string }> {
  const found: Record<string, { name: string }> = {};
  for (const [id, volume] of Object.entries(resourcesOf(synthStack(props).plan, "docker_volume")))
    found[`docker_volume.${id}`] = volume as { name: string };
  return found;
}

function removedFrom(props: NatsMonitoringStackProps): string[] {
  const plan = synthStack(props).plan as unknown as { removed?: { from: string; lifecycle: { destroy: boolean } }[] };
  for (const block of plan.removed ?? []) expect(block.lifecycle).toEqual({ destroy: false });
  return (plan.removed ?? []).map((block) => block.from);
}

describe("kept volumes (removed blocks)", () => {
  const everyAddress = Object.keys(Object.assign({}, ...LARGEST.map(volumes))).sort();

  it("covers, for the smallest configuration, exactly the volume addresses of the largest ones (as cdktf allocates them)", () => {
    const declared = Object.keys(volumes(SMALLEST));
    const removed = removedFrom(SMALLEST);
    expect([...declared, ...removed].sort()).toEqual(everyAddress);
  });

  it.each<[string, NatsMonitoringStackProps]>([
    ["the default stack", {}],
    ["5 nodes", { nats: { nodes: 5 } }],
    ["15 nodes, Alertmanager, Promtail", LARGEST[1] as NatsMonitoringStackProps],
    ["Grafana off", { grafana: false }],
  ])("never names an address the configuration declares, and names every other one, for %s", (_name, props) => {
    const declared = Object.keys(volumes(props));
    const removed = removedFrom(props);
    expect(removed.filter((address) => declared.includes(address))).toEqual([]);
    // Addresses do not depend on the name prefix: compare without it.
    const all = Object.keys(Object.assign({}, ...LARGEST.map((p) => volumes({ ...p, namePrefix: props.namePrefix })))).sort();
    expect([...declared, ...removed].sort()).toEqual(all);
  });

  it("protects the log collector's positions volume like the other data volumes, and leaves it unprotected with protectData: false", () => {
    for (const collector of ["alloy", "promtail"] as const) {
      const protectedOnes = Object.values(resourcesOf(synthStack({ loki: { collector } }).plan, "docker_volume"));
      expect(protectedOnes.length).toBeGreaterThan(0);
      for (const volume of protectedOnes) expect(volume.lifecycle, volume.name).toEqual({ prevent_destroy: true });
      for (const volume of Object.values(resourcesOf(synthStack({ loki: { collector }, protectData: false }).plan, "docker_volume"))) {
        expect(volume.lifecycle, volume.name).toEqual({ prevent_destroy: false });
      }
    }
  });
});

describe("natsmon's list of the stack's volume names", () => {
  it("is exactly the names of the largest configurations", () => {
    const names = [...new Set(LARGEST.flatMap((props) => Object.values(volumes(props)).map((volume) => volume.name)))].sort();
    expect(stackVolumeNames("t-").sort()).toEqual(names);
    expect(PART_VOLUME_BASE_NAMES).toContain("promtail-positions");
  });

  it("reads the name prefix from the nats_servers output", () => {
    expect(prefixFromServers(["prod-nats-node1", "prod-nats-node2"])).toBe("prod-");
    expect(prefixFromServers(["nats-node1"])).toBe("");
    expect(prefixFromServers(["something-else"])).toBeUndefined();
    expect(prefixFromServers(undefined)).toBeUndefined();
  });
});

import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { buildPrivateRegistryStack, mirrored } from "../../examples/private-registry.js";
import { OrdersMessagingStack } from "../../examples/team-stack.js";
import { containersByName, labelsOf, resourcesOf, synthesize } from "../helpers/plan.js";

describe("examples/team-stack.ts", () => {
  const { plan } = synthesize(new OrdersMessagingStack(Testing.app(), "orders"));
  const containers = containersByName(plan);

  it("puts a 5-node cluster, Surveyor and Prometheus into the team's own network", () => {
    expect(Object.keys(containers).sort()).toEqual([
      "orders-nats-node1",
      "orders-nats-node2",
      "orders-nats-node3",
      "orders-nats-node4",
      "orders-nats-node5",
      "orders-nats-surveyor",
      "orders-prometheus",
    ]);
    for (const c of Object.values(containers)) expect(c.networks_advanced[0].name).toBe("${docker_network.orders-net.name}");
    expect(Object.keys(resourcesOf(plan, "docker_network"))).toEqual(["orders-net"]);
  });

  it("has Surveyor expect all five servers and Prometheus scrape it", () => {
    expect(containers["orders-nats-surveyor"].command).toContain("--count=5");
    const config = containers["orders-prometheus"].upload.find((u: { file: string }) => u.file.endsWith("prometheus.yml")).content;
    expect(config).toContain("orders-nats-surveyor:7777");
    expect(config).toContain("scrape_interval: 15s");
  });
});

describe("examples/private-registry.ts", () => {
  const { plan } = synthesize(buildPrivateRegistryStack(Testing.app()));

  it("pulls every image from the mirror, for all five nodes and every part", () => {
    const images = Object.values(resourcesOf(plan, "docker_image")).map((image) => image.name as string);
    expect(images.length).toBeGreaterThanOrEqual(9);
    for (const image of images) expect(image).toMatch(/^registry\.example\.com\/mirror\//);
    expect(images).toContain(mirrored("nats:2.14.9-alpine"));
    const nats = Object.values(containersByName(plan)).filter((c) => labelsOf(c)["natsmon.component"] === "nats");
    expect(nats).toHaveLength(5);
  });

  it("takes registry credentials from the Docker config, not from code", () => {
    expect(plan.provider?.docker).toEqual([
      expect.objectContaining({ registry_auth: [{ address: "registry.example.com", config_file: "~/.docker/config.json" }] }),
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { NatsExporter } from "../../index.js";
import { standaloneParts } from "../helpers/parts.js";
import { container, synthStack } from "../helpers/plan.js";

describe("NatsExporter", () => {
  it("reads every node's monitoring endpoints as name,url pairs with the guide's endpoints", () => {
    const exporter = container(synthStack().plan, "nats-exporter");
    expect(exporter.command).toEqual([
      "-port=7777",
      "-varz",
      "-connz",
      "-routez",
      "-subz",
      "-healthz",
      "-jsz=all",
      "nats-node1,http://nats-node1:8222",
      "nats-node2,http://nats-node2:8222",
      "nats-node3,http://nats-node3:8222",
    ]);
    expect(exporter.command.join(" ")).not.toContain("-prefix");
  });

  it("is published on 127.0.0.1:7778 like the guide, and checks its health on /metrics", () => {
    const exporter = container(synthStack().plan, "nats-exporter");
    expect(exporter.ports).toEqual([{ internal: 7777, external: 7778, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(exporter.healthcheck.test).toEqual(["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:7777/metrics"]);
  });

  it("follows the cluster's size and prefix", () => {
    const exporter = container(synthStack({ namePrefix: "team", nats: { nodes: 5 } }).plan, "team-nats-exporter");
    expect(exporter.command.filter((arg: string) => arg.includes(",http://"))).toEqual(
      [1, 2, 3, 4, 5].map((n) => `team-nats-node${n},http://team-nats-node${n}:8222`),
    );
  });

  it("drops -jsz when asked and rejects unknown modes", () => {
    expect(container(synthStack({ exporter: { jsz: "off" } }).plan, "nats-exporter").command).not.toContain("-jsz=all");
    const { stack, network, cluster } = standaloneParts();
    expect(() => new NatsExporter(stack, "Exporter", { network, cluster, jsz: "some" as never })).toThrow(
      /NatsExporter "test\/Exporter": jsz must be/,
    );
    expect(() => synthStack({ exporter: { jsz: "some" as never } })).toThrow(/exporter\.jsz must be one of "all"/);
  });
});

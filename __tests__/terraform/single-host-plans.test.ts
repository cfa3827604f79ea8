import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { NatsMonitoringStackProps } from "../../index.js";
import { synthStack } from "../helpers/plan.js";

// Multi-host support (hosts, placement, per-host providers) must leave every
// single-host plan byte for byte as it was: these hashes were taken from the
// synthesized cdk.tf.json before that work began. A deliberate change to a
// single-host plan regenerates them with NATSMON_UPDATE_PLAN_HASHES=1 and says
// why in its commit.
const FIXTURE = new URL("./fixtures/single-host-plan-hashes.json", import.meta.url);

const CASES: Record<string, NatsMonitoringStackProps> = {
  default: {},
  everything: { prometheus: { alertmanager: true }, nodeExporter: true },
  fiveNodesClientTls: { nats: { nodes: 5, clientTls: true, publishEveryNode: true, tlsNames: { "nats-node1": ["10.0.0.11"] } } },
  singleNodePrefixed: { namePrefix: "dev", nats: { nodes: 1 }, loki: { collector: "promtail" }, dockerHost: "ssh://deploy@docker-host" },
};

function hashes(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(CASES).map(([name, props]) => [name, createHash("sha256").update(synthStack(props).json).digest("hex")]),
  );
}

describe("single-host plans", () => {
  it("are exactly the plans synthesized before multi-host support", () => {
    const now = hashes();
    if (process.env.NATSMON_UPDATE_PLAN_HASHES === "1") writeFileSync(FIXTURE, `${JSON.stringify(now, null, 2)}\n`);
    expect(now).toEqual(JSON.parse(readFileSync(FIXTURE, "utf8")));
  });
});

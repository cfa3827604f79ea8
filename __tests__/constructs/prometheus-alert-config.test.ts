import { Network } from "@cdktf/provider-docker/lib/network/index.js";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PrometheusStack } from "../../index.js";
import { container, synthesize, synthStack, uploadedFile } from "../helpers/plan.js";

const RULES = "/etc/prometheus/rules/nats-alerts.rules.yml";

/** The alert names and one rule of a synthesized Prometheus. */
function rulesOf(resource: ReturnType<typeof container>) {
  const file = parse(uploadedFile(resource, RULES)) as {
    groups: { rules: { alert: string; expr: string; for: string; labels: Record<string, string> }[] }[];
  };
  const rules = file.groups.flatMap((g) => g.rules);
  return { names: rules.map((r) => r.alert), rule: (name: string) => rules.find((r) => r.alert === name) };
}

function standalone(props: Omit<ConstructorParameters<typeof PrometheusStack>[2], "network"> = {}) {
  const stack = new TerraformStack(Testing.app(), "test");
  const network = new Network(stack, "net", { name: "net" });
  new PrometheusStack(stack, "Prometheus", { network, ...props });
  return container(synthesize(stack).plan, "prometheus");
}

describe("PrometheusStack alertConfig", () => {
  it("tunes thresholds, for, severities and labels of the loaded rules", () => {
    const { rule } = rulesOf(
      container(
        synthStack({
          prometheus: {
            alertConfig: {
              thresholds: { connectionsPerServer: 2500 },
              for: { NatsServerDown: "7m" },
              severities: { NatsSlowConsumers: "info" },
              extraLabels: { team: "messaging" },
            },
          },
        }).plan,
        "prometheus",
      ),
    );
    expect(rule("NatsTooManyConnections")?.expr).toBe('nats_core_connection_count{job="nats-surveyor"} > 2500');
    expect(rule("NatsServerDown")?.for).toBe("7m");
    expect(rule("NatsSlowConsumers")?.labels).toEqual({ severity: "info", team: "messaging" });
  });

  it("loads the Alertmanager rules only with an Alertmanager, and the log pipeline rule only when Loki is scraped", () => {
    const full = rulesOf(container(synthStack({ prometheus: { alertmanager: true } }).plan, "prometheus")).names;
    expect(full).toEqual(
      expect.arrayContaining(["PrometheusNotConnectedToAlertmanagers", "AlertmanagerNotificationsFailing", "LogPipelineSilent"]),
    );
    const alone = rulesOf(standalone()).names;
    expect(alone).not.toContain("PrometheusNotConnectedToAlertmanagers");
    expect(alone).not.toContain("LogPipelineSilent");
    expect(alone).toContain("Watchdog");
    expect(rulesOf(standalone({ alertConfig: { expectLoki: true } })).names).toContain("LogPipelineSilent");
  });

  it("refuses an unknown key or a bad value with the construct path and the fix", () => {
    expect(() => standalone({ alertConfig: { thresholds: { connectionPerServer: 5 } } as never })).toThrow(
      /PrometheusStack "test\/Prometheus": alertConfig.thresholds.connectionPerServer is not a threshold of the NATS rules, got 5 \(did you mean connectionsPerServer\?\)/,
    );
    expect(() => standalone({ alertConfig: { for: { NatsServerDown: "soon" } } })).toThrow(
      /alertConfig.for.NatsServerDown must be a Prometheus duration/,
    );
  });

  it("refuses alertConfig together with alertRules", () => {
    expect(() => standalone({ alertRules: [], alertConfig: {} })).toThrow(
      /alertConfig tunes the project's rules, so it cannot be combined with alertRules/,
    );
  });
});

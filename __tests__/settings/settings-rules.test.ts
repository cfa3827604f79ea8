import { Network } from "@cdktf/provider-docker/lib/network/index.js";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { NatsCluster, NatsMonitoringStack, PrometheusStack, PropValidationError } from "../../index.js";
import { synthesize, synthStack } from "../helpers/plan.js";

function thrown(build: () => unknown): PropValidationError {
  try {
    build();
  } catch (error) {
    if (error instanceof PropValidationError) return error;
    throw error;
  }
  throw new Error("expected a PropValidationError");
}

describe("secrets from sensitive Terraform variables, never literals in cdk.tf.json", () => {
  it("takes the Alertmanager webhook URL from a variable the settings name", () => {
    const { json, plan } = synthStack({ prometheus: { alertmanager: { webhookUrlVariable: "alert_webhook_url" } } });
    const variables = (plan as unknown as { variable: Record<string, { sensitive: boolean }> }).variable;
    expect(variables.alert_webhook_url.sensitive).toBe(true);
    expect(json).toContain("${var.alert_webhook_url}");
    expect(json).not.toMatch(/hooks\.slack\.com/);
  });

  it("takes a registry password from a variable the settings name, and refuses a literal one", () => {
    const { json, plan } = synthStack({
      registryAuth: [{ address: "registry.example.com", username: "ci", passwordVariable: "registry_password" }],
    });
    expect(plan.provider?.docker).toEqual([
      expect.objectContaining({
        registry_auth: [{ address: "registry.example.com", username: "ci", password: "${var.registry_password}" }],
      }),
    ]);
    expect(json).toContain('"sensitive": true');
    const secret = "hunter2-literal";
    const error = thrown(() => synthStack({ registryAuth: [{ address: "registry.example.com", username: "ci", password: secret }] }));
    expect(error.prop).toBe("registryAuth[0].password");
    expect(error.message).not.toContain(secret);
  });

  it("accepts a sensitive TerraformVariable from code and refuses one that is not sensitive", () => {
    const app = Testing.app();
    const stack = new NatsMonitoringStack(app, "api", {
      prometheus: {
        alertmanager: {
          webhookUrl: undefined,
          webhookUrlVariable: new TerraformVariable(new TerraformStack(app, "vars"), "hook", { type: "string", sensitive: true }),
        },
      },
    });
    expect(synthesize(stack).json).toContain("${var.hook}");
    const plain = (scope: TerraformStack) => new TerraformVariable(scope, "plain", { type: "string" });
    const other = Testing.app();
    const error = thrown(
      () => new NatsMonitoringStack(other, "api", { grafana: { adminPasswordVariable: plain(new TerraformStack(other, "v")) } }),
    );
    expect(error.message).toMatch(/adminPasswordVariable must be a sensitive variable/);
  });

  it("keeps a literal webhook URL without credentials", () => {
    const { json } = synthStack({ prometheus: { alertmanager: { webhookUrl: "http://alert-bridge:8080/alerts" } } });
    expect(json).toContain("http://alert-bridge:8080/alerts");
  });
});

describe("two parts of one kind in one stack", () => {
  function stackWithNetwork() {
    const stack = new TerraformStack(Testing.app(), "test");
    return { stack, network: new Network(stack, "network", { name: "net" }) };
  }

  it("refuses a second NatsCluster with the same names, naming both", () => {
    const { stack, network } = stackWithNetwork();
    new NatsCluster(stack, "Nats", { network });
    const error = thrown(() => new NatsCluster(stack, "Nats2", { network, clientHostPort: 14222 }));
    expect(error.message).toBe(
      'NatsCluster "test/Nats2": volume name is already the name of a volume of NatsCluster "test/Nats" in this stack, got "nats-node1-data" (give one of the two another namePrefix)',
    );
    expect(() => new NatsCluster(stack, "Nats3", { network, clientHostPort: 24222, namePrefix: "b" })).not.toThrow();
  });

  it("refuses a second PrometheusStack with the same names, naming both", () => {
    const { stack, network } = stackWithNetwork();
    new PrometheusStack(stack, "Prometheus", { network });
    expect(() => new PrometheusStack(stack, "Metrics", { network, hostPort: 19090 })).toThrow(
      /PrometheusStack "test\/Metrics": (volume|container) name is already the name of a (volume|container) of PrometheusStack "test\/Prometheus"/,
    );
  });
});

describe("settings from JavaScript", () => {
  it("reports NaN as NaN", () => {
    const error = thrown(() => synthStack({ nats: { clientHostPort: Number.NaN } }));
    expect(error.prop).toBe("nats.clientHostPort");
    expect(error.message).toMatch(/got NaN/);
  });

  it("reports every wrong setting at once, one line each", () => {
    const error = thrown(() => synthStack({ nats: { node: 5 }, protectData: "no" } as never));
    expect(error.message.split("\n")).toEqual([
      expect.stringMatching(/protectData must be true or false/),
      expect.stringMatching(/nats\.node is not a setting/),
    ]);
  });

  it("takes an object with more members than dataSource (a construct) as an additional data source", () => {
    class AlertmanagerSource {
      readonly dataSource = { uid: "alertmanager", name: "Alertmanager", type: "alertmanager" as const, url: "http://alertmanager:9093" };
      readonly node = "a construct has more members";
    }
    const { json } = synthStack({ grafana: { additionalDataSources: [new AlertmanagerSource()] } });
    expect(json).toContain("http://alertmanager:9093");
  });

  it("takes Terraform tokens where the constructs do (an image from a variable)", () => {
    const app = Testing.app();
    const image = new TerraformVariable(new TerraformStack(app, "vars"), "nats_image", { type: "string" });
    expect(() => new NatsMonitoringStack(app, "api", { nats: { image: image.stringValue } })).not.toThrow();
  });
});

describe("warnings", () => {
  const warnings = (stack: NatsMonitoringStack) =>
    stack.node.metadata.filter((entry) => entry.type === "@cdktf/warn").map((entry) => String(entry.data));

  it("warn when Grafana is on without Surveyor, or without both collectors", () => {
    expect(warnings(new NatsMonitoringStack(Testing.app(), "a"))).toEqual([]);
    expect(warnings(new NatsMonitoringStack(Testing.app(), "b", { surveyor: false }))).toEqual([
      expect.stringMatching(/^surveyor is false while Grafana is on/),
    ]);
    expect(warnings(new NatsMonitoringStack(Testing.app(), "c", { surveyor: false, exporter: false }))).toEqual([
      expect.stringMatching(/^surveyor and exporter are both false while Grafana is on/),
    ]);
    expect(warnings(new NatsMonitoringStack(Testing.app(), "d", { surveyor: false, grafana: false }))).toEqual([]);
  });
});

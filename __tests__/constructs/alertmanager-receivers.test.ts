import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Network } from "@cdktf/provider-docker/lib/network/index.js";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type AlertmanagerProps, PrometheusStack } from "../../index.js";
import { container, synthesize, uploadedFile } from "../helpers/plan.js";
import { describeWithTool } from "../helpers/tools.js";

const CONFIG = "/etc/alertmanager/alertmanager.yml";

function synth(alertmanager: Omit<AlertmanagerProps, "network">, extra?: (stack: TerraformStack) => void) {
  const stack = new TerraformStack(Testing.app(), "test");
  const network = new Network(stack, "net", { name: "net" });
  extra?.(stack);
  new PrometheusStack(stack, "Prometheus", { network, alertmanager });
  const { plan } = synthesize(stack);
  return { plan, config: uploadedFile(container(plan, "alertmanager"), CONFIG) };
}

const RECEIVERS: Omit<AlertmanagerProps, "network"> = {
  pagerDuty: { routingKeyVariable: "pagerduty_routing_key" },
  slack: { apiUrlVariable: "slack_webhook_url", channel: "#nats-alerts" },
  email: {
    to: "oncall@example.com",
    from: "alertmanager@example.com",
    smarthost: "smtp.example.com:587",
    authUsername: "alertmanager",
    authPasswordVariable: "smtp_password",
  },
};

describe("Alertmanager receivers", () => {
  it("take every secret from a sensitive Terraform variable, never a literal", () => {
    const { plan, config } = synth(RECEIVERS);
    const variables = (plan as unknown as { variable: Record<string, { sensitive: boolean }> }).variable;
    for (const name of ["pagerduty_routing_key", "slack_webhook_url", "smtp_password"]) expect(variables[name]?.sensitive, name).toBe(true);
    const yml = parse(config);
    expect(yml.receivers.find((r: { name: string }) => r.name === "pagerduty").pagerduty_configs[0].routing_key).toBe(
      "${var.pagerduty_routing_key}",
    );
    expect(yml.receivers.find((r: { name: string }) => r.name === "slack").slack_configs[0].api_url).toBe("${var.slack_webhook_url}");
    expect(yml.receivers.find((r: { name: string }) => r.name === "email").email_configs[0].auth_password).toBe("${var.smtp_password}");
    expect(yml.route.routes.map((r: { receiver: string }) => r.receiver)).toEqual(["null", "pagerduty", "slack", "email"]);
  });

  it("accept a sensitive TerraformVariable of the caller's and refuse one that is not sensitive", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const network = new Network(stack, "net", { name: "net" });
    const key = new TerraformVariable(stack, "pd", { type: "string", sensitive: true });
    new PrometheusStack(stack, "Prometheus", { network, alertmanager: { pagerDuty: { routingKeyVariable: key } } });
    expect(uploadedFile(container(synthesize(stack).plan, "alertmanager"), CONFIG)).toContain("routing_key: ${var.pd}");
    const open = new TerraformStack(Testing.app(), "test");
    const net = new Network(open, "net", { name: "net" });
    const plain = new TerraformVariable(open, "url", { type: "string" });
    expect(() => new PrometheusStack(open, "Prometheus", { network: net, alertmanager: { slack: { apiUrlVariable: plain } } })).toThrow(
      /slack.apiUrlVariable must be a sensitive variable/,
    );
  });

  it.each([
    [{ email: { ...RECEIVERS.email, to: "oncall" } }, /email.to must be an email address/],
    [{ email: { ...RECEIVERS.email, smarthost: "smtp.example.com" } }, /email.smarthost must be the SMTP server as host:port/],
    [{ slack: { apiUrlVariable: "https://hooks.slack.com/x" } }, /slack.apiUrlVariable must be a Terraform variable name/],
    [
      { pagerDuty: { routingKeyVariable: "pd", severities: ["page"] } },
      /pagerDuty.severities must list severities among critical, warning, info/,
    ],
  ] as [Omit<AlertmanagerProps, "network">, RegExp][])("refuse %j", (props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});

describeWithTool("amtool", "the synthesized alertmanager.yml with every receiver, checked by amtool", () => {
  it("passes amtool check-config once Terraform has put the variables' values in", () => {
    const { config } = synth({ ...RECEIVERS, webhookUrl: "https://hooks.example.com/nats" });
    const applied = config
      .replace("${var.pagerduty_routing_key}", "0123456789abcdef0123456789abcdef")
      .replace("${var.slack_webhook_url}", "https://hooks.slack.example.com/services/T/B/X")
      .replace("${var.smtp_password}", "secret");
    const file = join(mkdtempSync(join(tmpdir(), "natsmon-am-")), "alertmanager.yml");
    writeFileSync(file, applied);
    const result = spawnSync("amtool", ["check-config", file], { encoding: "utf8" });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain("SUCCESS");
  });
});

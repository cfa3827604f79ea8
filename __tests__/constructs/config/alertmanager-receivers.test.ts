import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { NATS_INHIBIT_RULES } from "../../../alerts/inhibit-rules.js";
import { type AlertmanagerConfigInput, renderAlertmanagerConfig } from "../../../constructs/config/alertmanager-yml.js";
import { describeWithTool } from "../../helpers/tools.js";

const ALL: AlertmanagerConfigInput = {
  receiver: { kind: "webhook", url: "https://hooks.example.com/nats" },
  inhibitRules: NATS_INHIBIT_RULES,
  groupBy: ["alertname", "server_cluster", "cluster_name"],
  repeatInterval: "4h",
  silentAlerts: ["Watchdog", "InfoInhibitor"],
  receivers: [
    { kind: "pagerduty", routingKey: "0123456789abcdef0123456789abcdef", severities: ["critical"] },
    { kind: "slack", apiUrl: "https://hooks.slack.example.com/services/T/B/X", channel: "#nats", severities: ["critical", "warning"] },
    {
      kind: "email",
      to: "oncall@example.com",
      from: "am@example.com",
      smarthost: "smtp.example.com:587",
      authUsername: "am",
      authPassword: "secret",
      requireTls: true,
      severities: ["critical", "warning"],
    },
  ],
};

describe("renderAlertmanagerConfig with several receivers", () => {
  const config = parse(renderAlertmanagerConfig(ALL));

  it("routes the Watchdog and InfoInhibitor to no one, then every alert to the webhook and each severity to its receivers", () => {
    expect(config.route.receiver).toBe("webhook");
    expect(config.route.routes).toEqual([
      { receiver: "null", matchers: ['alertname=~"Watchdog|InfoInhibitor"'] },
      { receiver: "webhook", continue: true },
      { receiver: "pagerduty", matchers: ['severity=~"critical"'], continue: true },
      { receiver: "slack", matchers: ['severity=~"critical|warning"'], continue: true },
      { receiver: "email", matchers: ['severity=~"critical|warning"'], continue: true },
    ]);
    expect(config.receivers.map((r: { name: string }) => r.name)).toEqual(["webhook", "null", "pagerduty", "slack", "email"]);
  });

  it("sends resolved alerts everywhere and shows the runbook in chat", () => {
    for (const receiver of config.receivers.slice(2)) {
      const [settings] = Object.values(receiver).filter(Array.isArray) as Record<string, unknown>[][];
      expect(settings[0].send_resolved, receiver.name).toBe(true);
    }
    expect(config.receivers[3].slack_configs[0].text).toContain(".Annotations.runbook_url");
  });
});

describeWithTool("amtool", "alertmanager.yml with several receivers, checked by amtool", () => {
  function check(text: string) {
    const file = join(mkdtempSync(join(tmpdir(), "natsmon-am-")), "alertmanager.yml");
    writeFileSync(file, text);
    return spawnSync("amtool", ["check-config", file], { encoding: "utf8" });
  }

  it("passes amtool check-config, with and without the webhook", () => {
    for (const input of [ALL, { ...ALL, receiver: { kind: "null" } } as const]) {
      const result = check(renderAlertmanagerConfig(input));
      expect(result.status, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain("SUCCESS");
    }
  });

  it("fails on a Slack receiver without a URL, so the check can fail", () => {
    const result = check(renderAlertmanagerConfig(ALL).replace(/api_url: .*/, "channel: '#x'"));
    expect(result.status).not.toBe(0);
  });
});

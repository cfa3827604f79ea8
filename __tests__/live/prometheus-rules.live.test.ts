import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { TUNED_ALERT_CONFIG } from "../../scripts/alerts/tuned-config.js";
import { labelsOf, type PlanResource, uploadedFile } from "../helpers/plan.js";
import { publishedUrl, synthLivePlan } from "./live-plan.js";
import { PlanReplayer } from "./plan-replayer.js";
import { docker, requireTestbed, TESTBED_IMAGES } from "./testbed.js";
import { getJson, waitFor } from "./wait.js";

/**
 * The tuned rules (every threshold and `for` moved, other job selectors, the
 * Alertmanager rules included) on the stack's real Prometheus: every group
 * loads and every rule evaluates without error, and the Watchdog fires.
 * prometheus.live.test.ts does the same for the default rules.
 */
describe("the tuned alert rules on the stack's Prometheus, on a real Docker engine", () => {
  let spec: PlanResource;
  let baseUrl: string;
  let replayer: PlanReplayer;

  beforeAll(async () => {
    await requireTestbed();
    const plan = synthLivePlan({ prometheus: { alertmanager: true, alertConfig: TUNED_ALERT_CONFIG } });
    spec = Object.values(plan.resource.docker_container).find((c) => labelsOf(c)["natsmon.component"] === "prometheus")!;
    baseUrl = publishedUrl(spec, 9090);
    replayer = await PlanReplayer.start(docker, plan, TESTBED_IMAGES);
    await replayer.apply([spec.name]);
  });

  afterAll(async () => {
    await replayer?.cleanup();
  });

  it("loads every tuned rule group and evaluates every rule without error", async () => {
    const generated = parse(uploadedFile(spec, "/etc/prometheus/rules/nats-alerts.rules.yml"));
    const expected = generated.groups.map((group: { name: string; rules: { alert: string }[] }) => ({
      name: group.name,
      rules: group.rules.map((rule) => rule.alert),
    }));
    expect(expected.flatMap((g: { rules: string[] }) => g.rules)).toContain("AlertmanagerNotificationsFailing");
    const groups = await waitFor(
      "every rule to be evaluated",
      async () => {
        const { data } = await getJson(`${baseUrl}/api/v1/rules`);
        const rules = data.groups.flatMap((group: { rules: unknown[] }) => group.rules);
        const failed = rules.filter((rule: { health: string }) => rule.health === "err");
        if (failed.length > 0)
          throw new Error(
            `rules in error: ${failed.map((r: { name: string; lastError: string }) => `${r.name}: ${r.lastError}`).join("; ")}`,
          );
        return rules.every((rule: { health: string }) => rule.health === "ok") ? data.groups : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 1_000, fatal: (error) => (error as Error).message.startsWith("rules in error") },
    );
    expect(
      groups.map((group: { name: string; rules: { name: string }[] }) => ({ name: group.name, rules: group.rules.map((r) => r.name) })),
    ).toEqual(expected);
  });

  it("fires the Watchdog, with the config's extra labels", async () => {
    const watchdog = await waitFor(
      "the Watchdog to fire",
      async () => {
        const { data } = await getJson(`${baseUrl}/api/v1/alerts`);
        return data.alerts.find(
          (alert: { labels: Record<string, string>; state: string }) => alert.labels.alertname === "Watchdog" && alert.state === "firing",
        );
      },
      { timeoutMs: 90_000, intervalMs: 1_000 },
    );
    expect(watchdog.labels).toEqual({ alertname: "Watchdog", severity: "none", team: "messaging", env: "test" });
  });
});

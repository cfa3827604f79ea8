import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { NATS_ALERT_GROUPS } from "../../alerts/nats-rules.js";
import { parseDuration } from "../../constructs/private/units.js";
import { projectDashboards } from "../../dashboards/project-dashboards.js";
import { type DashboardJsonShape, parseableQueries } from "../helpers/dashboard-json.js";
import { labelsOf, type Plan, type PlanResource, uploadedFile } from "../helpers/plan.js";
import { recordFigures } from "./figures.js";
import { publishedUrl, synthLivePlan } from "./live-plan.js";
import { PlanReplayer } from "./plan-replayer.js";
import { docker, requireTestbed, TESTBED_IMAGES } from "./testbed.js";
import { getJson, waitFor } from "./wait.js";

/** The test-tuned intervals: short, so an alert fires within seconds. */
const TUNED = { scrapeInterval: "5s", evaluationInterval: "5s", for: "10s" } as const;

/**
 * The stack's Prometheus (the Debian 2.42 stand-in) and its Alertmanager
 * (0.35.0, the pinned version, built from its Go module), both replayed
 * from the plan, with the stack's NATS rules at test-tuned intervals. Surveyor
 * and the exporter cannot be built here (the Go module proxy refuses their
 * modules), so their scrape targets stay unreachable: that is the real event
 * this test times, from Prometheus's first failed scrape of the target to
 * the alert at Alertmanager. The NATS-event alerts (node killed, leader lost,
 * backlog, storage) need Surveyor's metrics and are proven only by the
 * promtool rule tests.
 */
describe("alerting from the plan: Prometheus rules firing into the real Alertmanager", () => {
  let plan: Plan;
  let prometheus: PlanResource;
  let alertmanager: PlanResource;
  let prometheusUrl: string;
  let alertmanagerUrl: string;
  let replayer: PlanReplayer;

  beforeAll(async () => {
    await requireTestbed();
    const alertRules = NATS_ALERT_GROUPS.map((group) => ({ ...group, rules: group.rules.map((rule) => ({ ...rule, for: TUNED.for })) }));
    plan = synthLivePlan({
      prometheus: { scrapeInterval: TUNED.scrapeInterval, evaluationInterval: TUNED.evaluationInterval, alertRules, alertmanager: true },
    });
    const byComponent = (component: string) =>
      Object.values(plan.resource.docker_container).find((c) => labelsOf(c)["natsmon.component"] === component)!;
    prometheus = byComponent("prometheus");
    alertmanager = byComponent("alertmanager");
    prometheusUrl = publishedUrl(prometheus, 9090);
    alertmanagerUrl = publishedUrl(alertmanager, 9093);
    replayer = await PlanReplayer.start(docker, plan, TESTBED_IMAGES);
    await replayer.apply([alertmanager.name, prometheus.name]);
  });

  afterAll(async () => {
    await replayer?.cleanup();
  });

  it("runs the pinned Alertmanager with the plan's config, scraped by Prometheus", async () => {
    const status = await getJson(`${alertmanagerUrl}/api/v2/status`);
    expect(status.config.original).toContain("route:");
    const amTarget = await waitFor(
      "Prometheus to scrape Alertmanager",
      async () => {
        const { data } = await getJson(`${prometheusUrl}/api/v1/targets?state=active`);
        const target = data.activeTargets.find((t: any) => t.labels.job === "alertmanager");
        return target?.health === "up" ? target : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    expect(amTarget.scrapeUrl).toBe(`http://${alertmanager.name}:9093/metrics`);
    const { data } = await getJson(`${prometheusUrl}/api/v1/alertmanagers`);
    expect(data.activeAlertmanagers.map((am: any) => am.url)).toEqual([`http://${alertmanager.name}:9093/api/v2/alerts`]);
  });

  it("fires NatsSurveyorNotScraped at Alertmanager when Surveyor's target cannot be scraped, within the tuned bound", async () => {
    const alert = await waitFor(
      "NatsSurveyorNotScraped at Alertmanager",
      async () => {
        const alerts = await getJson(`${alertmanagerUrl}/api/v2/alerts?filter=alertname%3D%22NatsSurveyorNotScraped%22`);
        return alerts[0];
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    expect(alert.labels).toMatchObject({ job: "nats-surveyor", severity: "critical" });
    // Received once, so its update time is its arrival (Prometheus resends only after a minute).
    const firedAt = Date.parse(alert.updatedAt);
    // The event: Prometheus's first failed scrape of Surveyor, the first sample of its up series.
    const { data } = await getJson(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent('up{job="nats-surveyor"}[10m]')}`);
    const [[firstScrape, value]] = data.result[0].values as [number, string][];
    expect(value).toBe("0");
    const surveyorDownSince = firstScrape * 1000;
    const fireSeconds = Math.round((firedAt - surveyorDownSince) / 100) / 10;
    // Evaluation after the scrape, `for`, one more evaluation to fire, then the send.
    const boundSeconds = seconds(TUNED.scrapeInterval) + 2 * seconds(TUNED.evaluationInterval) + seconds(TUNED.for) + 5;
    expect(fireSeconds).toBeLessThanOrEqual(boundSeconds);
    recordFigures({ alert_fire_s: fireSeconds });
  });

  it("bounds the default config's time to fire from its own intervals: scrape + 2 x evaluation + for", () => {
    const defaults = synthLivePlan();
    const spec = Object.values(defaults.resource.docker_container).find((c) => labelsOf(c)["natsmon.component"] === "prometheus")!;
    const config = parse(uploadedFile(spec, "/etc/prometheus/prometheus.yml"));
    const rules = parse(uploadedFile(spec, "/etc/prometheus/rules/nats-alerts.rules.yml"));
    const rule = rules.groups.flatMap((g: any) => g.rules).find((r: any) => r.alert === "NatsSurveyorNotScraped");
    const bound = seconds(config.global.scrape_interval) + 2 * seconds(config.global.evaluation_interval) + seconds(rule.for);
    // 30s scrape, 30s evaluation, for 5m (docs/testing-live.md).
    expect(bound).toBe(390);
  });

  it("runs every PromQL query of the default dashboards without error, and counts those with data", async () => {
    const dashboards = projectDashboards({ prometheus: { uid: "prometheus", name: "Prometheus" }, loki: { uid: "loki", name: "Loki" } });
    // Panel queries, and the selectors of the variables' label_values() queries (Grafana's, not PromQL).
    const queries = dashboards.flatMap((dashboard) =>
      parseableQueries(JSON.parse(JSON.stringify(dashboard)) as DashboardJsonShape, "prometheus"),
    );
    expect(queries.length).toBeGreaterThan(0);
    let withData = 0;
    for (const query of queries) {
      const expr = withVariablesFilledIn(query.expr);
      const result = await getJson(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
      expect(result.status, `${query.where}: ${expr}`).toBe("success");
      if (result.data.result.length > 0) withData++;
    }
    recordFigures({ queries_with_data: `${withData}/${queries.length}` });
  });
});

function seconds(duration: string): number {
  const value = parseDuration(duration);
  if (value === undefined) throw new Error(`not a duration: ${duration}`);
  return value;
}

/** Dashboard variables as "everything": `="$x"` becomes `=~".*"`, `$x` elsewhere `.*`, intervals 5m. */
function withVariablesFilledIn(expr: string): string {
  return expr
    .replace(/\$__(rate_interval|interval_ms|interval|range_s|range_ms|range|auto)\b/g, "5m")
    .replace(/="\$\{?\w+\}?"/g, '=~".*"')
    .replace(/\$\{\w+(?::\w+)?\}|\$\w+/g, ".*");
}

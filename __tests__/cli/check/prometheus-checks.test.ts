import { afterEach, describe, expect, it } from "vitest";
import { CheckRun } from "../../../cli/check/check-run.js";
import {
  type ActiveTarget,
  alertsVerdict,
  rulesVerdict,
  runAlertmanagerChecks,
  runPrometheusChecks,
  targetsVerdict,
} from "../../../cli/check/prometheus-checks.js";
import { resolveTargets } from "../../../cli/targets.js";
import { type FakeServer, startFakeServer } from "../helpers/fake-http.js";

const up = (job: string, instance: string): ActiveTarget => ({ labels: { job, instance }, scrapePool: job, health: "up", lastError: "" });

describe("targetsVerdict", () => {
  it("passes when every target is up", () => {
    expect(targetsVerdict([up("nats-surveyor", "surveyor:7777"), up("nats-exporter", "exporter:7777")])).toEqual({
      status: "ok",
      detail: "all 2 targets up (nats-exporter, nats-surveyor)",
    });
  });

  it("lists the down targets with their scrape errors", () => {
    const down: ActiveTarget = {
      labels: { job: "nats-exporter", instance: "exporter:7777" },
      health: "down",
      lastError: 'Get "http://exporter:7777/metrics": dial tcp: lookup exporter: no such host',
    };
    const verdict = targetsVerdict([up("prometheus", "localhost:9090"), down]);
    expect(verdict.status).toBe("fail");
    expect(verdict.detail).toBe(`1 of 2 targets down: nats-exporter/exporter:7777 (${down.lastError})`);
  });

  it("fails on no targets and on targets not scraped yet", () => {
    expect(targetsVerdict([]).status).toBe("fail");
    const fresh = targetsVerdict([{ labels: { job: "a", instance: "b" }, health: "unknown" }]);
    expect(fresh).toMatchObject({ status: "fail", detail: "1 of 1 targets not scraped yet: a/b" });
  });
});

describe("rulesVerdict", () => {
  it("counts groups and rules", () => {
    const groups = [
      {
        name: "nats.rules",
        rules: [
          { name: "NatsServerDown", type: "alerting", health: "ok" },
          { name: "nats:rate", type: "recording", health: "ok" },
        ],
      },
    ];
    expect(rulesVerdict(groups)).toEqual({ status: "ok", detail: "1 rule group(s), 2 rule(s) (1 alerting, 1 recording)" });
  });

  it("fails with no groups, and names a rule that fails to evaluate", () => {
    expect(rulesVerdict([])).toMatchObject({ status: "fail", detail: "no rule groups loaded" });
    const broken = rulesVerdict([
      { name: "g", rules: [{ name: "Bad", type: "alerting", health: "err", lastError: "many-to-many matching not allowed" }] },
    ]);
    expect(broken).toMatchObject({ status: "fail", detail: "1 rule(s) fail to evaluate: g/Bad: many-to-many matching not allowed" });
  });
});

describe("alertsVerdict", () => {
  it("fails only on a firing critical alert", () => {
    const critical = { labels: { alertname: "NatsServerDown", severity: "critical" }, state: "firing" as const };
    const warning = { labels: { alertname: "JetStreamMemoryHigh", severity: "warning" }, state: "firing" as const };
    const pending = { labels: { alertname: "NatsServerDown", severity: "critical" }, state: "pending" as const };
    expect(alertsVerdict([critical, warning])).toMatchObject({ status: "fail", detail: "1 critical alert(s) firing: NatsServerDown" });
    expect(alertsVerdict([warning, pending])).toEqual({
      status: "ok",
      detail: "no critical alert firing (1 non-critical alert(s) firing, 1 pending)",
    });
    expect(alertsVerdict([])).toEqual({ status: "ok", detail: "no critical alert firing (no alert firing)" });
  });
});

describe("Prometheus group over HTTP", () => {
  let server: FakeServer | undefined;
  afterEach(async () => server?.close());

  it("reports a Prometheus that is still starting, and skips the rest", async () => {
    server = await startFakeServer({ "/-/ready": { status: 503, body: "Service Unavailable" } });
    const run = new CheckRun("prometheus", 2000);
    await runPrometheusChecks(resolveTargets({}, { prometheusUrl: server.url }), run);
    expect(run.results[0]).toMatchObject({ status: "fail", detail: 'Prometheus is not ready yet (HTTP 503: "Service Unavailable")' });
    expect(run.results.slice(1).map((r) => r.status)).toEqual(["skip", "skip", "skip"]);
  });

  it("says so when an API answer is not JSON", async () => {
    server = await startFakeServer({
      "/-/ready": { body: "Prometheus Server is Ready.\n" },
      "/api/v1/targets": { body: "<html>proxy error</html>" },
      "/api/v1/rules": { body: { status: "success", data: { groups: [] } } },
      "/api/v1/alerts": { body: { status: "error", errorType: "internal", error: "boom" } },
    });
    const run = new CheckRun("prometheus", 2000);
    await runPrometheusChecks(resolveTargets({}, { prometheusUrl: server.url }), run);
    expect(run.results[1].detail).toContain('did not answer with JSON (HTTP 200, body starts "<html>proxy error</html>")');
    expect(run.results[2].detail).toBe("no rule groups loaded");
    expect(run.results[3].detail).toContain("boom");
  });

  it("checks Alertmanager only when its URL is known", async () => {
    const none = new CheckRun("alertmanager", 2000);
    await runAlertmanagerChecks(resolveTargets({}, {}), none);
    expect(none.results).toEqual([]);
    server = await startFakeServer({ "/-/ready": { body: "OK" } });
    const run = new CheckRun("alertmanager", 2000);
    await runAlertmanagerChecks(resolveTargets({ alertmanager_url: server.url }, {}), run);
    expect(run.results[0]).toMatchObject({ name: "alertmanager.ready", status: "ok" });
  });
});

import { afterAll, beforeAll, expect, it } from "vitest";
import { takeSnapshot } from "../../../cli/backup/prometheus-snapshot.js";
import { CheckRun } from "../../../cli/check/check-run.js";
import { runPrometheusChecks } from "../../../cli/check/prometheus-checks.js";
import { resolveTargets } from "../../../cli/targets.js";
import { describeWithTool } from "../../helpers/tools.js";
import { type PrometheusProcess, startPrometheus, waitFor } from "../helpers/prometheus-process.js";

describeWithTool("prometheus", "Prometheus checks and snapshots against a real Prometheus", () => {
  let withAdmin: PrometheusProcess;
  let withoutAdmin: PrometheusProcess;
  beforeAll(async () => {
    [withAdmin, withoutAdmin] = await Promise.all([startPrometheus({ adminApi: true }), startPrometheus({ adminApi: false })]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([withAdmin?.stop(), withoutAdmin?.stop()]);
  });

  it("reports the dead target, the loaded rules and the firing critical alert", async () => {
    const api = async (path: string) =>
      ((await (await fetch(`${withAdmin.url}${path}`)).json()) as { data: Record<string, unknown[]> }).data;
    await waitFor(async () => {
      const targets = (await api("/api/v1/targets")).activeTargets as { health: string }[];
      return targets.length === 2 && targets.every((t) => t.health !== "unknown");
    }, "both targets scraped");
    await waitFor(
      async () => ((await api("/api/v1/alerts")).alerts as { state: string }[]).some((a) => a.state === "firing"),
      "the alert firing",
    );

    const run = new CheckRun("prometheus", 5000);
    await runPrometheusChecks(resolveTargets({ prometheus_url: withAdmin.url }, {}), run);
    const byName = Object.fromEntries(run.results.map((r) => [r.name, r]));
    expect(byName["prometheus.ready"].status).toBe("ok");
    expect(byName["prometheus.targets"].status).toBe("fail");
    expect(byName["prometheus.targets"].detail).toMatch(
      new RegExp(`^1 of 2 targets down: dead/${withAdmin.deadTarget.replace(/\./g, "\\.")} \\(.*connection refused\\)$`),
    );
    expect(byName["prometheus.rules"]).toMatchObject({ status: "ok", detail: "1 rule group(s), 1 rule(s) (1 alerting, 0 recording)" });
    expect(byName["prometheus.alerts"]).toMatchObject({ status: "fail", detail: "1 critical alert(s) firing: AlwaysCritical" });
  }, 40_000);

  it("takes a TSDB snapshot when the admin API is on", async () => {
    const snapshot = await takeSnapshot(withAdmin.url);
    expect(snapshot.ok).toBe(true);
    if (snapshot.ok) expect(snapshot.name).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]+$/);
  });

  it("says why there is no snapshot when the admin API is off", async () => {
    // Prometheus 2.42 answers 500 here, not the 503 of its "unavailable" error type.
    const snapshot = await takeSnapshot(withoutAdmin.url);
    expect(snapshot.ok).toBe(false);
    if (!snapshot.ok) expect(snapshot.reason).toMatch(/\/api\/v1\/admin\/tsdb\/snapshot answered HTTP 50[03]: admin APIs disabled$/);
  });
});

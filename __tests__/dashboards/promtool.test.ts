import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { stringify } from "yaml";
import { projectDashboards } from "../../dashboards/project-dashboards.js";
import { type DashboardJsonShape, parseableQueries } from "../helpers/dashboard-json.js";
import { substituteGrafanaVariables } from "../helpers/query-grammar.js";
import { useTempDirs } from "../helpers/temp-dirs.js";
import { describeWithTool } from "../helpers/tools.js";

const tempDir = useTempDirs();

/** Runs `promtool check rules` on one recording rule per expression; returns its output and status. */
function promtoolCheck(exprs: readonly string[]): { status: number | null; output: string } {
  const file = join(tempDir(), "dashboard-queries.yml");
  const rules = exprs.map((expr, i) => ({ record: `dashboard:query_${i}`, expr }));
  writeFileSync(file, stringify({ groups: [{ name: "dashboard-queries", rules }] }));
  const result = spawnSync("promtool", ["check", "rules", file], { encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describeWithTool("promtool", "dashboard PromQL against Prometheus's own parser (promtool check rules)", () => {
  const dashboards = projectDashboards({ prometheus: { uid: "prometheus", name: "Prometheus" }, loki: { uid: "loki", name: "Loki" } });
  const queries = dashboards.flatMap((d) => parseableQueries(JSON.parse(JSON.stringify(d)) as DashboardJsonShape, "prometheus"));

  it("accepts every query of the dashboards, Grafana's variables substituted", () => {
    expect(queries.length).toBeGreaterThanOrEqual(15);
    const { status, output } = promtoolCheck(queries.map((q) => substituteGrafanaVariables(q.expr)));
    expect(output).toContain(`SUCCESS: ${queries.length} rules found`);
    expect(status, output).toBe(0);
  });

  it("rejects a query that only type-checking catches, so the check can fail", () => {
    // A range vector where an instant vector belongs parses as a selector but is not valid PromQL.
    const { status, output } = promtoolCheck(['sum by (server_name) (nats_core_route_count{server_name=~"x"}[5m])']);
    expect(status).not.toBe(0);
    expect(output).toMatch(/expected type instant vector/);
  });
});

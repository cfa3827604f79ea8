import { describe, expect, it } from "vitest";
import { LOG_LABELS } from "../../contract/log-labels.js";
import { catalogMetric, isKnownMetric, mayCarryHostLabel } from "../../contract/metric-catalog.js";
import { NATS_JETSTREAM_CLUSTER_UID, natsJetStreamClusterDashboard } from "../../dashboards/nats-jetstream-cluster.js";
import { NATS_LOGS_UID, natsLogsDashboard } from "../../dashboards/nats-logs.js";
import { projectDashboards } from "../../dashboards/project-dashboards.js";
import {
  type DashboardJsonShape,
  dataSourceRefsOf,
  layoutProblems,
  panelsOf,
  parseableQueries,
  type QueryInfo,
  queriesOf,
  queriesOfType,
  resolveDataSourceType,
  resolveDataSourceUid,
  splitVariableQuery,
  variablesOf,
  visualPanelsOf,
} from "../helpers/dashboard-json.js";
import { promqlParts } from "../helpers/promql-selectors.js";
import { logqlErrors, promqlErrors, substituteGrafanaVariables } from "../helpers/query-grammar.js";

const SOURCES = { prometheus: { uid: "prometheus", name: "Prometheus" }, loki: { uid: "loki", name: "Loki" } };
// Read as JSON, as Grafana reads the uploaded files.
const asJson = (dashboard: unknown): DashboardJsonShape => JSON.parse(JSON.stringify(dashboard)) as DashboardJsonShape;
const dashboards = projectDashboards(SOURCES).map(asJson);
const [jetstream, logs] = dashboards;
/** The cluster dashboard of a stack over several hosts. */
const multiHost = asJson(natsJetStreamClusterDashboard(SOURCES.prometheus, { multiHost: true }));
const byUid = { prometheus: "prometheus", loki: "loki" } as const;

/** Labels every scraped series has besides the exporter's own. */
const TARGET_LABELS = ["job", "instance"];

/** Problems of one PromQL query against the metric catalog; empty when it is fine. */
function promqlProblems(query: QueryInfo): string[] {
  const problems: string[] = [];
  const { selector: expr = "", label: valuesOf } = splitVariableQuery(query.expr);
  const parts = promqlParts(substituteGrafanaVariables(expr));
  if (parts.selectors.length === 0) problems.push(`${query.where}: selects no metric`);
  const usedLabels = new Set<string>(TARGET_LABELS);
  for (const selector of parts.selectors) {
    if (!isKnownMetric(selector.metric)) {
      problems.push(`${query.where}: ${selector.metric} is not in the metric catalog`);
      continue;
    }
    const metric = catalogMetric(selector.metric);
    // The per-host agents' series (and up) carry the host target label in a stack over several hosts.
    const targetLabels = mayCarryHostLabel(metric) ? [...TARGET_LABELS, LOG_LABELS.host] : TARGET_LABELS;
    for (const l of [...metric.labels, ...targetLabels]) usedLabels.add(l);
    for (const label of selector.matcherLabels) {
      if (!metric.labels.includes(label) && !targetLabels.includes(label))
        problems.push(`${query.where}: ${selector.metric} has no label ${label}`);
    }
    if (metric.type === "counter" && !["rate", "increase", "irate"].includes(selector.rangeFunction ?? "")) {
      problems.push(`${query.where}: counter ${selector.metric} is used without rate() or increase()`);
    }
  }
  if (valuesOf !== undefined && !usedLabels.has(valuesOf))
    problems.push(`${query.where}: lists values of ${valuesOf}, which its metric lacks`);
  for (const label of parts.groupingLabels) {
    if (!usedLabels.has(label)) problems.push(`${query.where}: groups by ${label}, which none of its metrics has`);
  }
  for (const range of query.expr.matchAll(/\[([^\]]*)\]/g)) {
    if (range[1] !== "$__rate_interval") problems.push(`${query.where}: range [${range[1]}] instead of [$__rate_interval]`);
  }
  return problems;
}

describe("the project's dashboards", () => {
  it("have stable, unique uids of at most 40 characters, tagged nats", () => {
    const uids = dashboards.map((d) => d.uid);
    expect(uids).toEqual([NATS_JETSTREAM_CLUSTER_UID, NATS_LOGS_UID]);
    expect(uids).toEqual(["nats-jetstream-cluster", "nats-logs"]);
    expect(new Set(uids).size).toBe(uids.length);
    for (const dashboard of dashboards) {
      expect(dashboard.uid!.length).toBeLessThanOrEqual(40);
      expect(dashboard.tags).toContain("nats");
    }
  });

  it.each(dashboards.map((d) => [d.uid, d] as const))(
    "%s places every panel inside the grid without overlaps, with unique ids",
    (_uid, dashboard) => {
      expect(layoutProblems(panelsOf(dashboard))).toEqual([]);
      const ids = panelsOf(dashboard).map((p) => p.id);
      expect(ids.every((id) => typeof id === "number")).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
    },
  );

  it("the layout check catches overlaps and panels off the grid", () => {
    expect(
      layoutProblems([
        { type: "stat", title: "a", gridPos: { x: 0, y: 0, w: 12, h: 8 } },
        { type: "stat", title: "b", gridPos: { x: 6, y: 4, w: 12, h: 8 } },
        { type: "stat", title: "c", gridPos: { x: 20, y: 20, w: 8, h: 8 } },
        { type: "stat", title: "d" },
      ]),
    ).toEqual([expect.stringContaining('"c" lies outside the grid'), '"d" has no gridPos', expect.stringMatching(/^"a" .* overlaps "b"/)]);
  });

  it.each(dashboards.map((d) => [d.uid, d] as const))("%s: every PromQL query parses", (_uid, dashboard) => {
    const queries = parseableQueries(dashboard, "prometheus");
    for (const query of queries) expect(promqlErrors(substituteGrafanaVariables(query.expr)), `${query.where}: ${query.expr}`).toEqual([]);
  });

  it.each(dashboards.map((d) => [d.uid, d] as const))("%s: every LogQL query parses", (_uid, dashboard) => {
    const queries = parseableQueries(dashboard, "loki");
    for (const query of queries) expect(logqlErrors(substituteGrafanaVariables(query.expr)), `${query.where}: ${query.expr}`).toEqual([]);
  });

  it("query every metric by its catalog name and labels, counters through rate() or increase() over $__rate_interval", () => {
    const queries = queriesOfType(jetstream, "prometheus");
    expect(queries.length).toBeGreaterThanOrEqual(15);
    expect(queries.flatMap(promqlProblems)).toEqual([]);
  });

  it("the metric check catches invented metrics, wrong labels, bare counters and fixed ranges", () => {
    const check = (expr: string) => promqlProblems({ where: "q", expr, datasource: {} });
    expect(check("nats_jetstream_memory / (1024*1024*1024) > 0.8")).toEqual(["q: nats_jetstream_memory is not in the metric catalog"]);
    expect(check('nats_core_jetstream_enabled{server_cluster=~"$cluster"}')).toEqual([
      "q: nats_core_jetstream_enabled has no label server_cluster",
    ]);
    expect(check("sum(nats_core_recv_msgs_count)")).toEqual(["q: counter nats_core_recv_msgs_count is used without rate() or increase()"]);
    expect(check("rate(nats_core_recv_msgs_count[5m])")).toEqual(["q: range [5m] instead of [$__rate_interval]"]);
    expect(check("sum by (stream) (nats_core_connection_count)")).toEqual(["q: groups by stream, which none of its metrics has"]);
    expect(check("label_values(nats_core_jetstream_enabled, server_cluster)")).toEqual([
      "q: lists values of server_cluster, which its metric lacks",
    ]);
    // Surveyor runs once: its series carry no host label; the agents' do.
    expect(check('nats_core_info{host=~"$host"}')).toEqual(["q: nats_core_info has no label host"]);
    expect(check("label_values(nats_core_info, host)")).toEqual(["q: lists values of host, which its metric lacks"]);
    expect(check('max by (host) (up{host=~"$host"})')).toEqual([]);
  });

  it("the grammar checks reject a broken query from a dashboard", () => {
    expect(promqlErrors(substituteGrafanaVariables('sum by (server_name (nats_core_route_count{server_name=~"$server"})'))).not.toEqual([]);
    expect(logqlErrors(substituteGrafanaVariables('{job="$job"} |~ "(?i)$search" [5m]'))).not.toEqual([]);
  });

  it.each(dashboards.map((d) => [d.uid, d] as const))(
    "%s: every data source reference resolves to the data source passed in",
    (_uid, dashboard) => {
      const refs = dataSourceRefsOf(dashboard);
      expect(refs.length).toBeGreaterThan(0);
      const expectedType = dashboard === jetstream ? "prometheus" : "loki";
      for (const { where, ref } of refs) {
        expect(resolveDataSourceUid(dashboard, ref), where).toBe(byUid[expectedType]);
        expect(resolveDataSourceType(dashboard, ref), where).toBe(expectedType);
      }
    },
  );

  it("default their data source variable to the uid they are built for", () => {
    const custom = asJson(natsJetStreamClusterDashboard({ uid: "metrics-eu", name: "Metrics EU" }));
    const refs = dataSourceRefsOf(custom);
    expect(new Set(refs.map(({ ref }) => resolveDataSourceUid(custom, ref)))).toEqual(new Set(["metrics-eu"]));
    const loki = asJson(natsLogsDashboard({ uid: "logs-eu", name: "Logs EU" }));
    expect(new Set(dataSourceRefsOf(loki).map(({ ref }) => resolveDataSourceUid(loki, ref)))).toEqual(new Set(["logs-eu"]));
  });
});

describe("NATS JetStream Cluster", () => {
  const titles = visualPanelsOf(jetstream).map((p) => p.title);

  it("has the guide's five panels and the operator's panels", () => {
    expect(titles).toEqual(
      expect.arrayContaining([
        // the guide's
        "JetStream status",
        "Streams",
        "Stream replicas per server",
        "JetStream memory",
        "JetStream storage",
        "Connections per server",
        "Messages in and out",
        // added
        "Meta leader",
        "Meta peer status",
        "JetStream API errors",
        "Consumer backlog (top 10)",
        "Routes",
        "Slow consumers",
        "Server versions",
      ]),
    );
    expect(titles.length).toBeGreaterThanOrEqual(8);
  });

  it("filters by data source, cluster and server, and the stream row by account, stream and consumer", () => {
    expect(variablesOf(jetstream).map((v) => [v.name, v.type])).toEqual([
      ["datasource", "datasource"],
      ["cluster", "query"],
      ["server", "query"],
      ["account", "query"],
      ["stream", "query"],
      ["consumer", "query"],
    ]);
  });

  it("has a Streams and consumers row whose panels filter by account, stream and consumer, never by server", () => {
    const panels = panelsOf(jetstream);
    const row = panels.findIndex((p) => p.type === "row" && p.title === "Streams and consumers");
    expect(row).toBeGreaterThan(0);
    const next = panels.findIndex((p, i) => i > row && p.type === "row");
    const section = panels.slice(row + 1, next);
    expect(section.map((p) => p.title)).toEqual([
      "Stream size",
      "Stream messages",
      "Consumer pending",
      "Consumer ack pending",
      "Consumer redelivered",
    ]);
    const exprs = section.flatMap((p) => (p.targets ?? []).map((t) => String(t.expr)));
    expect(exprs).toHaveLength(5);
    for (const expr of exprs) {
      expect(expr).toContain('account=~"$account", stream=~"$stream"');
      expect(expr).not.toContain("$server");
    }
    expect(exprs.filter((e) => e.includes('consumer_name=~"$consumer"'))).toHaveLength(3);
  });

  it("matches its JSON snapshot", async () => {
    await expect(`${JSON.stringify(jetstream, null, 2)}\n`).toMatchFileSnapshot("__snapshots__/nats-jetstream-cluster.json");
  });
});

describe("NATS JetStream Cluster over several hosts", () => {
  const panels = panelsOf(multiHost);
  const rowPanels = (title: string) => {
    const row = panels.findIndex((p) => p.type === "row" && p.title === title);
    const next = panels.findIndex((p, i) => i > row && p.type === "row");
    return row < 0 ? [] : panels.slice(row + 1, next < 0 ? undefined : next);
  };
  const exprsOf = (list: typeof panels) => list.flatMap((p) => (p.targets ?? []).map((t) => String(t.expr)));

  it("adds a host variable and a Hosts row, which a single-host dashboard lacks", () => {
    expect(variablesOf(multiHost).map((v) => v.name)).toEqual([...variablesOf(jetstream).map((v) => v.name), "host"]);
    expect(rowPanels("Hosts").map((p) => p.title)).toEqual(["Host reachability", "Targets up per host", "Targets down"]);
    expect(panelsOf(jetstream).some((p) => p.title === "Hosts")).toBe(false);
    expect(JSON.stringify(jetstream)).not.toContain("$host");
    // The rows in order: the Hosts row before the node-exporter row.
    const rows = panels.filter((p) => p.type === "row").map((p) => p.title);
    expect(rows.indexOf("Hosts")).toBe(rows.indexOf("Host (node-exporter)") - 1);
  });

  it("reads only the targets that carry a host label, and filters the Host row by host", () => {
    for (const expr of exprsOf(rowPanels("Hosts"))) expect(expr).toContain('up{host=~"$host", host!=""}');
    const hostRow = exprsOf(rowPanels("Host (node-exporter)"));
    expect(hostRow).toHaveLength(6);
    for (const expr of hostRow) expect(expr).toContain('job="node-exporter", host=~"$host"');
    const legends = rowPanels("Host (node-exporter)").flatMap((p) =>
      (p.targets ?? []).map((t) => String((t as { legendFormat?: string }).legendFormat)),
    );
    expect(legends.filter((l) => !l.startsWith("{{host}}"))).toEqual([]);
  });

  it("places every panel on the grid, and every query parses and names catalogued metrics and labels", () => {
    expect(layoutProblems(panels)).toEqual([]);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const queries = parseableQueries(multiHost, "prometheus");
    for (const query of queries) expect(promqlErrors(substituteGrafanaVariables(query.expr)), `${query.where}: ${query.expr}`).toEqual([]);
    expect(queriesOfType(multiHost, "prometheus").flatMap(promqlProblems)).toEqual([]);
    for (const { where, ref } of dataSourceRefsOf(multiHost)) expect(resolveDataSourceUid(multiHost, ref), where).toBe("prometheus");
  });

  it("is what projectDashboards gives for multiHost sources", () => {
    expect(asJson(projectDashboards({ ...SOURCES, multiHost: true })[0])).toEqual(multiHost);
  });

  it("matches its JSON snapshot", async () => {
    await expect(`${JSON.stringify(multiHost, null, 2)}\n`).toMatchFileSnapshot("__snapshots__/nats-jetstream-cluster-multi-host.json");
  });
});

describe("NATS Logs", () => {
  const titles = visualPanelsOf(logs).map((p) => p.title);

  it("has the guide's four panels and the error ratio", () => {
    expect(titles).toEqual(["Log lines per 5 minutes", "Log level distribution", "Error ratio", "Latest log lines", "Log stream"]);
    expect(visualPanelsOf(logs).map((p) => p.type)).toEqual(["timeseries", "piechart", "timeseries", "table", "logs"]);
  });

  it("filters by container and level, and never matches the guide's [ERROR], which nats-server does not write", () => {
    expect(variablesOf(logs).map((v) => v.name)).toEqual(["datasource", "job", "container", "level", "search"]);
    const exprs = queriesOf(logs).map((q) => q.expr);
    expect(exprs.filter((e) => e.includes('container_name=~"$container"')).length).toBeGreaterThanOrEqual(5);
    expect(exprs.some((e) => e.includes('log_level=~"ERROR|FATAL"'))).toBe(true);
    expect(exprs.join("\n")).not.toContain("[ERROR]");
  });

  it("matches its JSON snapshot", async () => {
    await expect(`${JSON.stringify(logs, null, 2)}\n`).toMatchFileSnapshot("__snapshots__/nats-logs.json");
  });
});

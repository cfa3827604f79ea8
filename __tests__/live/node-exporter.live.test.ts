import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { METRIC_CATALOG } from "../../contract/metric-catalog.js";
import { natsJetStreamClusterDashboard } from "../../dashboards/nats-jetstream-cluster.js";
import { type DashboardJsonShape, visualPanelsOf } from "../helpers/dashboard-json.js";
import { labelsOf, type Plan } from "../helpers/plan.js";
import { publishedUrl, synthLivePlan } from "./live-plan.js";
import { PlanReplayer } from "./plan-replayer.js";
import { docker, requireTestbed, TESTBED_IMAGES } from "./testbed.js";
import { getJson, waitFor } from "./wait.js";

/**
 * The opt-in node-exporter, created exactly as the plan says (the host's
 * /proc, /sys and / mounted read-only, the path flags) from Debian's
 * prometheus-node-exporter, next to the plan's Prometheus: its target is up,
 * it serves every node-exporter metric of the catalog, and every query of the
 * cluster dashboard's Host row returns data.
 */
describe("node-exporter for the Docker host, on a real Docker engine", () => {
  let plan: Plan;
  let baseUrl: string;
  let replayer: PlanReplayer;
  const query = async (promql: string) => {
    const { data } = await getJson(`${baseUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
    return data.result as { metric: Record<string, string>; value: [number, string] }[];
  };

  beforeAll(async () => {
    await requireTestbed();
    plan = synthLivePlan({ nodeExporter: true, prometheus: { scrapeInterval: "5s" } });
    const byComponent = (component: string) =>
      Object.values(plan.resource.docker_container).find((c) => labelsOf(c)["natsmon.component"] === component)!;
    const prometheus = byComponent("prometheus");
    baseUrl = publishedUrl(prometheus, 9090);
    replayer = await PlanReplayer.start(docker, plan, TESTBED_IMAGES);
    await replayer.apply([prometheus.name, byComponent("node-exporter").name]);
  });

  afterAll(async () => {
    await replayer?.cleanup();
  });

  it("is scraped by Prometheus: the node-exporter target is up", async () => {
    const target = await waitFor(
      "the node-exporter target to be up",
      async () => {
        const { data } = await getJson(`${baseUrl}/api/v1/targets?state=active`);
        const found = data.activeTargets.find((t: any) => t.labels.job === "node-exporter");
        return found?.health === "up" ? found : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 1_000 },
    );
    expect(target.scrapeUrl).toBe("http://live-node-exporter:9100/metrics");
  });

  it("serves every node-exporter metric of the catalog, with the catalogued labels, and reads the host's root file system", async () => {
    const names = METRIC_CATALOG.filter((m) => m.source === "node-exporter");
    expect(names.length).toBeGreaterThan(5);
    for (const metric of names) {
      const series = await waitFor(
        `${metric.name} to be scraped`,
        async () => {
          const result = await query(`${metric.name}{job="node-exporter"}`);
          return result.length > 0 ? result : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 1_000 },
      );
      for (const label of metric.labels) expect(Object.keys(series[0].metric), `${metric.name} has ${label}`).toContain(label);
    }
    // --path.rootfs strips /rootfs from the mountpoint label: the host's / reads "/".
    const root = await query('node_filesystem_size_bytes{job="node-exporter", mountpoint="/"}');
    expect(root.length, "the host's root file system is listed as /").toBeGreaterThan(0);
    expect(Number(root[0].value[1])).toBeGreaterThan(0);
  });

  it("answers every query of the cluster dashboard's Host row with data", async () => {
    const dashboard = JSON.parse(
      JSON.stringify(natsJetStreamClusterDashboard({ uid: "prometheus", name: "Prometheus" })),
    ) as DashboardJsonShape;
    const panels = visualPanelsOf(dashboard).filter((panel) => panel.title?.startsWith("Host "));
    expect(panels.map((p) => p.title)).toEqual([
      "Host CPU busy",
      "Host memory used",
      "Host load (1m)",
      "Host file systems used",
      "Host disk traffic",
    ]);
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        const promql = (target.expr as string).replaceAll("$__rate_interval", "30s");
        const result = await waitFor(
          `data for "${panel.title}"`,
          async () => {
            const r = await query(promql);
            return r.length > 0 ? r : undefined;
          },
          { timeoutMs: 60_000, intervalMs: 2_000 },
        );
        for (const sample of result) expect(Number.isFinite(Number(sample.value[1])), `${panel.title}: ${promql}`).toBe(true);
      }
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CADVISOR_SOCKET_PROXY_ALLOWED_GET } from "../../constructs/config/docker-socket-proxy-args.js";
import { CADVISOR_LABELS } from "../../contract/container-labels.js";
import { METRIC_CATALOG } from "../../contract/metric-catalog.js";
import { natsJetStreamClusterDashboard } from "../../dashboards/nats-jetstream-cluster.js";
import { type DashboardJsonShape, visualPanelsOf } from "../helpers/dashboard-json.js";
import { labelsOf, type Plan } from "../helpers/plan.js";
import { publishedUrl, synthLivePlan } from "./live-plan.js";
import { PlanReplayer } from "./plan-replayer.js";
import { containerLog, docker, execIn, LIVE_LABEL, requireTestbed, TESTBED_IMAGES } from "./testbed.js";
import { getJson, waitFor } from "./wait.js";

/**
 * The opt-in cAdvisor, created exactly as the plan says (every capability
 * dropped but SYSLOG, read-only root filesystem, the host's cgroup tree and
 * Docker's image folder read-only, /dev/kmsg readable, the engine reached
 * through its own socket proxy), next to the plan's Prometheus and Alertmanager.
 * On the testbed, cAdvisor is the stand-in command on cAdvisor's v0.57.0
 * library and the proxy the stand-in that enforces socket-proxy's flags
 * (scripts/testbed-pins.ts). Checks: the target is up, the catalogued
 * series exist for the stack's containers with their labels and for no
 * other container, every request cAdvisor made passed the proxy's allow
 * list, a restart and an OOM kill show in the series the alerts read, and
 * every query of the Containers row returns data.
 */
describe("cAdvisor for the stack's containers, on a real Docker engine", () => {
  let plan: Plan;
  let baseUrl: string;
  let replayer: PlanReplayer;
  const names: Record<string, string> = {};
  const outsider = "live-cadvisor-outsider";
  const query = async (promql: string) => {
    const { data } = await getJson(`${baseUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
    return data.result as { metric: Record<string, string>; value: [number, string] }[];
  };
  const someSeries = (what: string, promql: string, timeoutMs = 60_000) =>
    waitFor(
      what,
      async () => {
        const r = await query(promql);
        return r.length > 0 ? r : undefined;
      },
      { timeoutMs, intervalMs: 1_000 },
    );

  beforeAll(async () => {
    await requireTestbed();
    plan = synthLivePlan({ cadvisor: true, prometheus: { scrapeInterval: "5s", alertmanager: true } });
    const byComponent = (component: string) =>
      Object.values(plan.resource.docker_container).filter((c) => labelsOf(c)["natsmon.component"] === component);
    const prometheus = byComponent("prometheus")[0];
    baseUrl = publishedUrl(prometheus, 9090);
    names.prometheus = prometheus.name;
    names.cadvisor = byComponent("cadvisor")[0].name;
    names.proxy = byComponent("docker-socket-proxy").find((c) => c.name.includes("cadvisor"))!.name;
    // Alertmanager stands for any of the stack's containers: it runs alone (nats-box's healthcheck needs NATS).
    names.probe = byComponent("alertmanager")[0].name;
    replayer = await PlanReplayer.start(docker, plan, TESTBED_IMAGES);
    await replayer.apply([names.prometheus, names.proxy, names.cadvisor, names.probe]);
    // A container outside the stack on the same engine: its series must not reach Prometheus.
    await docker
      .getContainer(outsider)
      .remove({ force: true })
      .catch(() => undefined);
    const other = await docker.createContainer({
      name: outsider,
      Image: TESTBED_IMAGES["prom/alertmanager:v0.35.0"],
      Entrypoint: ["sleep", "600"],
      Labels: { [LIVE_LABEL]: "cadvisor-outsider", "natsmon.project": "another-stack" },
    });
    await other.start();
  }, 240_000);

  afterAll(async () => {
    await docker
      .getContainer(outsider)
      .remove({ force: true })
      .catch(() => undefined);
    await replayer?.cleanup();
  });

  it("is scraped by Prometheus: the cadvisor target is up", async () => {
    const target = await waitFor(
      "the cadvisor target to be up",
      async () => {
        const { data } = await getJson(`${baseUrl}/api/v1/targets?state=active`);
        const found = data.activeTargets.find((t: any) => t.labels.job === "cadvisor");
        return found?.health === "up" ? found : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 1_000 },
    );
    expect(target.scrapeUrl).toBe(`http://${names.cadvisor}:8080/metrics`);
  });

  it("serves every cAdvisor metric of the catalog for the stack's containers, with the catalogued labels, and nothing of other containers", async () => {
    const metrics = METRIC_CATALOG.filter((m) => m.source === "cadvisor");
    expect(metrics.length).toBeGreaterThanOrEqual(6);
    for (const metric of metrics) {
      const series = await someSeries(`${metric.name} of ${names.probe}`, `${metric.name}{job="cadvisor", name="${names.probe}"}`);
      for (const label of metric.labels) expect(Object.keys(series[0].metric), `${metric.name} has ${label}`).toContain(label);
      expect(series[0].metric[CADVISOR_LABELS.project]).toBe("live-nats-monitoring");
      expect(series[0].metric[CADVISOR_LABELS.component]).toBe("alertmanager");
    }
    const working = await query('container_memory_working_set_bytes{job="cadvisor"}');
    const seen = new Set(working.map((s) => s.metric.name));
    for (const name of [names.prometheus, names.cadvisor, names.proxy, names.probe]) expect(seen, name).toContain(name);
    expect(seen).not.toContain(outsider);
    expect(working.every((s) => s.metric[CADVISOR_LABELS.project] === "live-nats-monitoring")).toBe(true);
    // Docker labels other than the two kept ones (the spec hash) do not become labels.
    expect(
      Object.keys(working[0].metric)
        .filter((k) => k.startsWith("container_label_"))
        .sort(),
    ).toEqual([CADVISOR_LABELS.component, CADVISOR_LABELS.project].sort());
  });

  it("asks the engine only through its proxy, and only what the proxy's allow list lets through", async () => {
    const log = await containerLog(names.proxy);
    const requests = [...log.matchAll(/verdict=(\w[\w-]*) client=\S+ method=(\w+) path=(\S+)/g)].map(([, verdict, method, path]) => ({
      verdict,
      method,
      path,
    }));
    expect(requests.some((r) => /\/info$/.test(r.path))).toBe(true);
    expect(requests.some((r) => /\/containers\/[^/]+\/json$/.test(r.path))).toBe(true);
    expect(requests.filter((r) => r.verdict !== "allowed")).toEqual([]);
    const allowed = new RegExp(`^(${CADVISOR_SOCKET_PROXY_ALLOWED_GET.join("|")})$`);
    for (const r of requests.filter((x) => x.method === "GET")) expect(r.path).toMatch(allowed);
    const inspect = await docker.getContainer(names.cadvisor).inspect();
    expect(inspect.HostConfig.CapAdd).toEqual(["SYSLOG"]);
    expect(inspect.HostConfig.ReadonlyRootfs).toBe(true);
    expect(inspect.Mounts.map((m) => `${m.Source}:${m.RW ? "rw" : "ro"}`).sort()).toEqual(
      ["/sys/fs/cgroup:ro", "/var/lib/docker/image:ro"].sort(),
    );
  });

  it("sees a restart of a container (ContainerRestarting's expression) and an OOM kill inside one (ContainerOomKilled's)", async () => {
    await someSeries("Alertmanager's start time", `container_start_time_seconds{job="cadvisor", name="${names.probe}"}`);
    await docker.getContainer(names.probe).restart({ t: 1 });
    const restarts = await someSeries(
      "the restart to show",
      `changes(container_start_time_seconds{job="cadvisor", name="${names.probe}"}[15m]) >= 1`,
      90_000,
    );
    expect(Number(restarts[0].value[1])).toBeGreaterThanOrEqual(1);
    // A shell that doubles a string until the kernel kills it at the container's memory limit.
    const hog = await execIn(names.probe, ["sh", "-c", 'a=0123456789abcdef; while true; do a="$a$a"; done']);
    expect(hog.exitCode, hog.output).not.toBe(0);
    const kills = await someSeries(
      "the OOM kill to be counted",
      `container_oom_events_total{job="cadvisor", name="${names.probe}"} > 0`,
      90_000,
    );
    expect(Number(kills[0].value[1])).toBeGreaterThanOrEqual(1);
  });

  it("answers every query of the cluster dashboard's Containers row with data", async () => {
    const dashboard = JSON.parse(
      JSON.stringify(natsJetStreamClusterDashboard({ uid: "prometheus", name: "Prometheus" })),
    ) as DashboardJsonShape;
    const panels = visualPanelsOf(dashboard).filter((panel) => panel.title?.startsWith("Container "));
    expect(panels.map((p) => p.title)).toEqual([
      "Container CPU",
      "Container memory (working set)",
      "Container memory of its limit",
      "Container restarts",
      "Container OOM kills",
    ]);
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        const promql = (target.expr as string).replaceAll("$__rate_interval", "30s");
        const result = await someSeries(`data for "${panel.title}"`, promql);
        for (const sample of result) expect(Number.isFinite(Number(sample.value[1])), `${panel.title}: ${promql}`).toBe(true);
      }
    }
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { CheckRun } from "../../../cli/check/check-run.js";
import { dashboardVerdict, dataSourceVerdict, GRAFANA_CHECKS, healthVerdict, runGrafanaChecks } from "../../../cli/check/grafana-checks.js";
import { natsLogsVerdict, runLokiChecks } from "../../../cli/check/loki-checks.js";
import { resolveTargets } from "../../../cli/targets.js";
import { type FakeServer, startFakeServer } from "../helpers/fake-http.js";

describe("natsLogsVerdict", () => {
  it("passes when lines arrive and names their containers", () => {
    const data = {
      resultType: "streams",
      result: [
        {
          stream: { job: "nats", container_name: "nats-node2" },
          values: [["1700000000000000000", "[1] 2026/01/01 00:00:00.000000 [INF] Server is ready"] as const],
        },
        {
          stream: { job: "nats", container_name: "nats-node1" },
          values: [["1700000000000000001", "[1] [INF] JetStream cluster new metadata leader"] as const],
        },
      ],
    };
    expect(natsLogsVerdict(data)).toEqual({ status: "ok", detail: "NATS log lines arrive (latest from nats-node1, nats-node2)" });
  });

  it("fails with no lines and points at the log collector", () => {
    const verdict = natsLogsVerdict({ resultType: "streams", result: [] });
    expect(verdict).toMatchObject({ status: "fail", detail: 'no log line with {job="nats"} in the last hour' });
    expect(verdict.fix).toContain("log collector");
  });
});

describe("Grafana verdicts", () => {
  it("reads /api/health", () => {
    expect(healthVerdict({ status: 200, body: '{"commit":"abc","database":"ok","version":"13.2.0"}' })).toEqual({
      status: "ok",
      detail: "Grafana 13.2.0 is healthy, database ok",
    });
    expect(healthVerdict({ status: 503, body: '{"database":"failing"}' }).status).toBe("fail");
  });

  it("reads a data source's health, its absence and a refused login", () => {
    expect(
      dataSourceVerdict("prometheus", { status: 200, body: '{"message":"Successfully queried the Prometheus API.","status":"OK"}' }, true),
    ).toEqual({
      status: "ok",
      detail: 'data source "prometheus": Successfully queried the Prometheus API.',
    });
    const down = dataSourceVerdict(
      "loki",
      { status: 400, body: '{"message":"Unable to connect with Loki. Please check the server logs for more details.","status":"ERROR"}' },
      true,
    );
    expect(down).toMatchObject({
      status: "fail",
      detail: 'data source "loki" is unhealthy (HTTP 400): Unable to connect with Loki. Please check the server logs for more details.',
    });
    expect(down.fix).toContain("http://loki:3100");
    expect(dataSourceVerdict("loki", { status: 404, body: '{"message":"Data source not found"}' }, true).detail).toBe(
      'no data source with uid "loki"',
    );
    expect(dataSourceVerdict("loki", { status: 401, body: '{"message":"Unauthorized"}' }, false)).toMatchObject({
      status: "fail",
      detail: "Grafana wants a login (HTTP 401) and none was given",
    });
    expect(dataSourceVerdict("loki", { status: 401, body: "{}" }, true).detail).toBe("Grafana refused the login (HTTP 401)");
  });

  it("reads a dashboard and its absence", () => {
    const found = dashboardVerdict(
      "nats-logs",
      { status: 200, body: '{"dashboard":{"title":"NATS log analysis","uid":"nats-logs"},"meta":{"folderTitle":"NATS"}}' },
      true,
    );
    expect(found).toEqual({ status: "ok", detail: 'dashboard "NATS log analysis" in folder NATS' });
    expect(dashboardVerdict("nats-logs", { status: 404, body: '{"message":"Dashboard not found"}' }, true)).toMatchObject({
      status: "fail",
      detail: 'no dashboard with uid "nats-logs"',
    });
  });
});

describe("Loki and Grafana groups over HTTP", () => {
  let server: FakeServer | undefined;
  afterEach(async () => server?.close());

  it('asks Loki for {job="nats"} lines of the last hour', async () => {
    server = await startFakeServer({
      "/ready": { body: "ready\n" },
      "/loki/api/v1/query_range": {
        body: { status: "success", data: { resultType: "streams", result: [{ stream: { job: "nats" }, values: [["1", "line"]] }] } },
      },
    });
    const run = new CheckRun("loki", 2000);
    await runLokiChecks(resolveTargets({ loki_url: server.url }, {}), run);
    expect(run.results.map((r) => r.status)).toEqual(["ok", "ok"]);
    const query = new URL(`http://x${server.requests[1].split(" ")[1]}`).searchParams;
    expect(query.get("query")).toBe('{job="nats"}');
    expect(query.get("since")).toBe("1h");
  });

  it("logs in to Grafana with the admin credentials and checks both data sources and dashboards", async () => {
    const auth = `Basic ${Buffer.from("admin:s3cret").toString("base64")}`;
    const guarded = (body: object) => (request: { headers: Record<string, unknown> }) =>
      request.headers.authorization === auth ? { body } : { status: 401, body: { message: "Unauthorized" } };
    server = await startFakeServer({
      "/api/health": { body: { database: "ok", version: "13.2.0" } },
      "/api/datasources/uid/prometheus/health": guarded({ status: "OK", message: "Successfully queried the Prometheus API." }),
      "/api/datasources/uid/loki/health": guarded({ status: "OK", message: "Data source successfully connected." }),
      "/api/dashboards/uid/nats-jetstream-cluster": guarded({ dashboard: { title: "NATS JetStream cluster" }, meta: {} }),
      // nats-logs is missing: a 404
    });
    const run = new CheckRun("grafana", 2000);
    await runGrafanaChecks(
      resolveTargets({ grafana_url: server.url, grafana_admin_user: "admin", grafana_admin_password: "s3cret" }, {}),
      run,
    );
    expect(run.results.map((r) => r.name)).toEqual([...GRAFANA_CHECKS]);
    expect(run.results.map((r) => r.status)).toEqual(["ok", "ok", "ok", "ok", "fail"]);

    const anonymous = new CheckRun("grafana", 2000);
    await runGrafanaChecks(resolveTargets({ grafana_url: server.url }, {}), anonymous);
    expect(anonymous.results[1]).toMatchObject({ status: "fail", detail: "Grafana wants a login (HTTP 401) and none was given" });
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { CheckRun } from "../../../cli/check/check-run.js";
import { exporterVerdict, runExporterChecks } from "../../../cli/check/exporter-checks.js";
import { parsePromText } from "../../../cli/check/prom-text.js";
import { natsUpVerdict, runSurveyorChecks, surveyedVerdict } from "../../../cli/check/surveyor-checks.js";
import { resolveTargets } from "../../../cli/targets.js";
import { type FakeServer, startFakeServer } from "../helpers/fake-http.js";

// Recorded from Surveyor 0.9 watching a 3-node cluster (trimmed).
const SURVEYOR_METRICS = `# HELP nats_up Connected to NATS
# TYPE nats_up gauge
nats_up 1
# HELP nats_survey_expected_count Expected servers
nats_survey_expected_count 3
nats_survey_surveyed_count 3
nats_survey_no_replies_count{expected="3"} 0
nats_core_info{server_cluster="nats",server_id="NA1",server_name="nats-node1",server_version="2.14.5"} 1
`;

describe("Surveyor verdicts", () => {
  it("passes nats_up 1 and fails 0 or absent", () => {
    expect(natsUpVerdict(parsePromText(SURVEYOR_METRICS)).status).toBe("ok");
    expect(natsUpVerdict(parsePromText("nats_up 0\n"))).toMatchObject({
      status: "fail",
      detail: "nats_up is 0: Surveyor is not connected to NATS",
    });
    expect(natsUpVerdict(parsePromText("go_goroutines 12\n")).fix).toContain("--surveyor-url");
  });

  it("compares surveyed with expected, and expected with the cluster's size", () => {
    const samples = parsePromText(SURVEYOR_METRICS);
    expect(surveyedVerdict(samples, 3)).toEqual({ status: "ok", detail: "surveyed 3 of 3 expected servers" });
    const short = parsePromText("nats_survey_expected_count 3\nnats_survey_surveyed_count 2\n");
    expect(surveyedVerdict(short, 3)).toMatchObject({ status: "fail", detail: "surveyed 2 of 3 expected servers" });
    // Surveyor started with the default -c 1 against a 3-node cluster.
    const wrongCount = parsePromText("nats_survey_expected_count 1\nnats_survey_surveyed_count 1\n");
    expect(surveyedVerdict(wrongCount, 3)).toMatchObject({ status: "fail", detail: "Surveyor expects 1 server(s) but the cluster has 3" });
    expect(surveyedVerdict(wrongCount, 3).fix).toContain("-c flag to 3");
    expect(surveyedVerdict(parsePromText("nats_up 1\n"), 3).status).toBe("fail");
  });
});

describe("exporterVerdict", () => {
  it("passes when gnatsd_varz_* series are there, counting servers", () => {
    const page =
      'gnatsd_varz_connections{server_id="http://nats-node1:8222"} 4\ngnatsd_varz_in_msgs{server_id="http://nats-node2:8222"} 9\n';
    expect(exporterVerdict(parsePromText(page))).toEqual({ status: "ok", detail: "2 gnatsd_varz_* series from 2 server(s)" });
  });

  it("fails without them, and says whether other NATS metrics were there", () => {
    expect(exporterVerdict(parsePromText("go_goroutines 8\n")).detail).toBe("/metrics has no gnatsd_varz_* series");
    expect(exporterVerdict(parsePromText("gnatsd_connz_total 3\n")).detail).toBe("/metrics has NATS metrics but no gnatsd_varz_* series");
    expect(exporterVerdict(parsePromText("")).fix).toContain("-varz");
  });
});

describe("Surveyor and exporter groups over HTTP", () => {
  let server: FakeServer | undefined;
  afterEach(async () => server?.close());

  it("reads /healthz and /metrics from Surveyor", async () => {
    server = await startFakeServer({ "/healthz": { body: "ok" }, "/metrics": { body: SURVEYOR_METRICS } });
    const run = new CheckRun("surveyor", 2000);
    await runSurveyorChecks(resolveTargets({ surveyor_url: `${server.url}/`, nats_servers: ["a", "b", "c"] }, {}), run);
    expect(run.results.map((r) => [r.name, r.status])).toEqual([
      ["surveyor.healthz", "ok"],
      ["surveyor.nats-up", "ok"],
      ["surveyor.surveyed", "ok"],
    ]);
    expect(server.requests).toEqual(["GET /healthz", "GET /metrics"]);
  });

  it("reports an HTTP error of the exporter with its status", async () => {
    server = await startFakeServer({ "/metrics": { status: 500, body: "internal error" } });
    const run = new CheckRun("exporter", 2000);
    await runExporterChecks(resolveTargets({}, { exporterUrl: server.url }), run);
    expect(run.results[0]).toMatchObject({ status: "fail", detail: `${server.url}/metrics answered HTTP 500` });
  });
});

import { describe, expect, it } from "vitest";
import { parsePromText, samplesOf } from "../../../cli/check/prom-text.js";

// Lines as Surveyor and prometheus-nats-exporter print them.
const PAGE = `# HELP nats_up Connected to NATS
# TYPE nats_up gauge
nats_up 1
nats_survey_expected_count 3
nats_core_info{server_cluster="nats",server_id="NABC",server_name="nats-node1",server_version="2.14.5"} 1
gnatsd_varz_in_msgs{server_id="http://nats-node1:8222"} 1.234e+06
weird{path="a \\"quoted\\" \\\\ value"} +Inf 1700000000000

not a sample line
`;

describe("parsePromText", () => {
  it("reads names, labels and values, and skips comments", () => {
    const samples = parsePromText(PAGE);
    expect(samples.map((s) => s.name)).toEqual(["nats_up", "nats_survey_expected_count", "nats_core_info", "gnatsd_varz_in_msgs", "weird"]);
    expect(samplesOf(samples, "nats_core_info")[0].labels).toEqual({
      server_cluster: "nats",
      server_id: "NABC",
      server_name: "nats-node1",
      server_version: "2.14.5",
    });
    expect(samplesOf(samples, "gnatsd_varz_in_msgs")[0].value).toBe(1_234_000);
  });

  it("unescapes label values and reads +Inf with a timestamp", () => {
    const [weird] = samplesOf(parsePromText(PAGE), "weird");
    expect(weird.labels.path).toBe('a "quoted" \\ value');
    expect(weird.value).toBe(Number.POSITIVE_INFINITY);
  });
});

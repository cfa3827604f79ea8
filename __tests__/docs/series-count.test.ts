/**
 * docs/series-count.md gives the series each stream and consumer adds; this
 * recomputes every figure from the metric catalog (contract/jsz-series.ts),
 * so the page changes when the catalog or the defaults do.
 */
import { describe, expect, it } from "vitest";
import { SURVEYOR_JSZ_METRICS_READ } from "../../constructs/surveyor.js";
import {
  EXPORTER_CONFIG_ONLY_METRICS,
  type ExporterSeriesSetup,
  exporterJszSeries,
  type JszSeriesCount,
  jszMetrics,
  jszSeriesScope,
  type SurveyorSeriesSetup,
  surveyorAdvisorySeriesNames,
  surveyorJszSeries,
} from "../../contract/jsz-series.js";
import { catalogMetric, METRIC_CATALOG } from "../../contract/metric-catalog.js";
import { markdownTable, readDoc } from "../helpers/markdown.js";
import { container, synthStack } from "../helpers/plan.js";

const PAGE = "docs/series-count.md";
const page = readDoc(PAGE);

const SURVEYOR_DEFAULT: SurveyorSeriesSetup = { jsz: "all", leadersOnly: true, accounts: true };
const SMALLEST_FILTER = SURVEYOR_JSZ_METRICS_READ.map((m) => `nats_${m}`);

/** The setups of the page's table, by the text of their first cell. */
const SETUPS: Record<string, (replicas: number) => JszSeriesCount> = {
  "Surveyor, the project's default: `--accounts --jsz=all --jsz-leaders-only`": (r) => surveyorJszSeries(SURVEYOR_DEFAULT, r),
  "Surveyor without leaders-only: `--accounts --jsz=all`": (r) => surveyorJszSeries({ ...SURVEYOR_DEFAULT, leadersOnly: false }, r),
  "Surveyor default with the smallest `jszFilter`": (r) => surveyorJszSeries({ ...SURVEYOR_DEFAULT, filter: SMALLEST_FILTER }, r),
  "Surveyor `--accounts --jsz=streams --jsz-leaders-only`": (r) => surveyorJszSeries({ ...SURVEYOR_DEFAULT, jsz: "streams" }, r),
  "Surveyor `--accounts --jsz=consumers --jsz-leaders-only`": (r) => surveyorJszSeries({ ...SURVEYOR_DEFAULT, jsz: "consumers" }, r),
  'Surveyor `--accounts` only (`jsz: "off"`)': (r) => surveyorJszSeries({ ...SURVEYOR_DEFAULT, jsz: "off" }, r),
  "exporter `-jsz=all`, the project's default (`-jsz=consumers` is the same)": (r) => {
    const all = exporterJszSeries({ jsz: "all" }, r);
    expect(exporterJszSeries({ jsz: "consumers" }, r)).toEqual(all);
    return all;
  },
  "exporter `-jsz=streams`": (r) => exporterJszSeries({ jsz: "streams" }, r),
  'exporter `-jsz=accounts` or `jsz: "off"`': (r) => {
    const accounts = exporterJszSeries({ jsz: "accounts" }, r);
    expect(exporterJszSeries({ jsz: "off" }, r)).toEqual(accounts);
    return accounts;
  },
};

describe("docs/series-count.md", () => {
  it("gives, for every setup, the series per stream and per consumer that the catalog yields", () => {
    const table = markdownTable(page, "setup");
    expect(table?.header).toEqual(["setup", "per stream, R1", "per stream, R3", "per consumer, R1", "per consumer, R3"]);
    const rows = table?.rows ?? [];
    expect(rows.map((row) => row[0])).toEqual(Object.keys(SETUPS));
    for (const [setup, ...figures] of rows) {
      const [r1, r3] = [SETUPS[setup](1), SETUPS[setup](3)];
      expect(figures.map(Number), setup).toEqual([r1.perStream, r3.perStream, r1.perConsumer, r3.perConsumer]);
    }
  });

  it("gives the default stack's totals for R3 streams and consumers", () => {
    const table = markdownTable(page, "streams");
    expect(table?.header).toEqual(["streams", "consumers", "Surveyor", "exporter", "both"]);
    const surveyor = surveyorJszSeries(SURVEYOR_DEFAULT, 3);
    const exporter = exporterJszSeries({ jsz: "all" } satisfies ExporterSeriesSetup, 3);
    expect(table?.rows.length).toBeGreaterThanOrEqual(2);
    for (const [streams, consumers, ...figures] of table?.rows ?? []) {
      const total = (c: JszSeriesCount) => Number(streams) * c.perStream + Number(consumers) * c.perConsumer;
      expect(figures.map(Number), `${streams} streams`).toEqual([total(surveyor), total(exporter), total(surveyor) + total(exporter)]);
    }
  });

  it("counts the metric families the prose names", () => {
    expect(jszMetrics("stream", ["surveyor --jsz"])).toHaveLength(6);
    expect(jszMetrics("stream", ["surveyor --accounts|--jsz"])).toEqual([
      "nats_core_account_jetstream_consumer_count",
      "nats_core_account_jetstream_replica_count",
    ]);
    expect(jszMetrics("consumer", ["surveyor --jsz"])).toHaveLength(8);
    expect(jszMetrics("stream", ["exporter -jsz"])).toHaveLength(8);
    expect(jszMetrics("consumer", ["exporter -jsz"])).toHaveLength(8);
    expect(page).toContain("six `nats_stream_*` series");
    expect(page).toContain("eight `nats_consumer_*` series");
    expect(page).toContain("eight `jetstream_stream_*` series");
    const advisories = surveyorAdvisorySeriesNames();
    expect(page).toContain(`up to ${advisories.perStream.length} metrics per stream`);
    expect(page).toContain(`and ${advisories.perConsumer.length} per consumer`);
    for (const name of EXPORTER_CONFIG_ONLY_METRICS) expect(catalogMetric(name).source).toBe("exporter -jsz");
    expect(SMALLEST_FILTER).toHaveLength(7);
    expect(page).toContain("the alert rules and the dashboard read these seven");
  });

  it("says which leader labels make series churn, as the catalog has them", () => {
    for (const label of ["stream_leader", "consumer_leader"]) expect(catalogMetric("nats_consumer_num_pending").labels).toContain(label);
    for (const label of ["meta_leader", "stream_leader", "consumer_leader", "is_consumer_leader"]) {
      expect(catalogMetric("jetstream_consumer_num_pending").labels).toContain(label);
    }
  });

  it("classifies every catalog metric with a stream or consumer label, and no other", () => {
    for (const metric of METRIC_CATALOG) {
      const scoped = ["stream", "stream_name", "consumer", "consumer_name"].some((l) => metric.labels.includes(l));
      expect(jszSeriesScope(metric) !== undefined, metric.name).toBe(scoped);
    }
  });

  it("matches the stack's defaults: Surveyor with --accounts --jsz=all --jsz-leaders-only, the exporter with -jsz=all", () => {
    const { plan } = synthStack();
    expect(container(plan, "nats-surveyor").command).toEqual(expect.arrayContaining(["--accounts", "--jsz=all", "--jsz-leaders-only"]));
    expect(container(plan, "nats-exporter").command).toContain("-jsz=all");
  });

  it("is linked from the docs index", () => {
    expect(readDoc("docs/README.md")).toContain("[series-count.md](series-count.md)");
  });
});

/**
 * How many series each stream and each consumer adds, computed from the
 * metric catalog, so docs/series-count.md (whose figures a test recomputes
 * with this) cannot drift from the metrics the project knows.
 *
 * A catalog metric is per consumer when it carries a consumer label
 * (`consumer_name`, or `consumer` on the advisory counters), else per stream
 * when it carries a stream label (`stream`, or the exporter's `stream_name`).
 * Who reports it decides the multiplier:
 * - Surveyor's `--jsz` series come from every server that holds a replica,
 *   or from the leader only with `--jsz-leaders-only`;
 * - Surveyor's per-account series (`nats_core_account_jetstream_*` with a
 *   `stream` label) carry no server label: one per stream;
 * - the exporter reads every server's `/jsz`, each of which lists the
 *   replicas that server holds, and has no leaders-only switch: one series
 *   per replica (`is_stream_leader` / `is_consumer_leader` pick the leader in
 *   a query, they do not stop the others from being stored).
 */
import { type CatalogMetric, METRIC_CATALOG, type MetricSource } from "./metric-catalog.js";

/** Whose series a figure counts. */
export type JszSeriesScope = "stream" | "consumer";

/** The scope of a catalog metric, or undefined when it is not per stream or consumer. */
export function jszSeriesScope(metric: CatalogMetric): JszSeriesScope | undefined {
  if (metric.labels.includes("consumer_name") || metric.labels.includes("consumer")) return "consumer";
  if (metric.labels.includes("stream") || metric.labels.includes("stream_name")) return "stream";
  return undefined;
}

/** The per-stream or per-consumer metrics of some sources, by name. */
export function jszMetrics(scope: JszSeriesScope, sources: readonly MetricSource[]): string[] {
  return METRIC_CATALOG.filter((m) => sources.includes(m.source) && jszSeriesScope(m) === scope).map((m) => m.name);
}

/**
 * The exporter's stream series that need the streams' config in the `/jsz`
 * request, which `-jsz=streams` does not ask for (collector/jsz.go).
 */
export const EXPORTER_CONFIG_ONLY_METRICS: readonly string[] = ["jetstream_stream_limit_bytes", "jetstream_stream_limit_messages"];

/** A Surveyor setup, as the construct's props say it. */
export interface SurveyorSeriesSetup {
  readonly jsz: "all" | "streams" | "consumers" | "off";
  readonly leadersOnly: boolean;
  /** `--accounts`. */
  readonly accounts: boolean;
  /** `--jsz-filter`: catalog names (with `nats_`) kept; undefined keeps all. */
  readonly filter?: readonly string[];
}

/** An exporter setup: its `-jsz` mode. */
export interface ExporterSeriesSetup {
  readonly jsz: "all" | "streams" | "consumers" | "accounts" | "off";
}

/** Series that one stream (with its replicas) and one consumer (with its replicas) add. */
export interface JszSeriesCount {
  readonly perStream: number;
  readonly perConsumer: number;
}

/** Surveyor's series per stream and per consumer, for assets with `replicas` replicas. */
export function surveyorJszSeries(setup: SurveyorSeriesSetup, replicas: number): JszSeriesCount {
  const reporters = setup.leadersOnly ? 1 : replicas;
  const kept = (names: string[]) => (setup.filter === undefined ? names : names.filter((n) => setup.filter?.includes(n)));
  const streams = setup.jsz === "all" || setup.jsz === "streams" ? kept(jszMetrics("stream", ["surveyor --jsz"])).length : 0;
  const consumers = setup.jsz === "all" || setup.jsz === "consumers" ? kept(jszMetrics("consumer", ["surveyor --jsz"])).length : 0;
  // The per-account series with a stream label come with --accounts or --jsz, once per stream.
  const perAccount = setup.accounts || setup.jsz !== "off" ? jszMetrics("stream", ["surveyor --accounts|--jsz"]).length : 0;
  return { perStream: streams * reporters + perAccount, perConsumer: consumers * reporters };
}

/** The exporter's series per stream and per consumer, for assets with `replicas` replicas. */
export function exporterJszSeries(setup: ExporterSeriesSetup, replicas: number): JszSeriesCount {
  const streamNames = jszMetrics("stream", ["exporter -jsz"]);
  const streams =
    setup.jsz === "all" || setup.jsz === "consumers"
      ? streamNames.length
      : setup.jsz === "streams"
        ? streamNames.filter((n) => !EXPORTER_CONFIG_ONLY_METRICS.includes(n)).length
        : 0;
  const consumers = setup.jsz === "all" || setup.jsz === "consumers" ? jszMetrics("consumer", ["exporter -jsz"]).length : 0;
  return { perStream: streams * replicas, perConsumer: consumers * replicas };
}

/**
 * Surveyor's advisory counters (`--jetstream`) per stream and per consumer:
 * created by the first event, not by the asset, so an upper bound per label
 * combination rather than a fixed count (`nats_jetstream_*_actions` also
 * split by action).
 */
export function surveyorAdvisorySeriesNames(): { readonly perStream: string[]; readonly perConsumer: string[] } {
  return {
    perStream: jszMetrics("stream", ["surveyor --jetstream"]),
    perConsumer: jszMetrics("consumer", ["surveyor --jetstream"]),
  };
}

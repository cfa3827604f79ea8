import { describe, expect, it } from "vitest";
import { catalogMetric, isKnownMetric, isMonotonic, METRIC_CATALOG, mayCarryHostLabel } from "../../contract/metric-catalog.js";

describe("the metric catalog", () => {
  it("lists each metric once, with a source and a help text", () => {
    const names = METRIC_CATALOG.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const metric of METRIC_CATALOG) {
      // ALERTS is the one series Prometheus itself names in capitals (its rule manager writes it).
      if (metric.name === "ALERTS") expect(metric.source).toBe("prometheus");
      // node-exporter names its memory gauges after the /proc/meminfo fields, capitals kept.
      else if (metric.source === "node-exporter") expect(metric.name).toMatch(/^node_[a-z][A-Za-z0-9_]*$/);
      else expect(metric.name).toMatch(/^[a-z_][a-z0-9_]*$/);
      expect(metric.help.length, metric.name).toBeGreaterThan(5);
      expect(new Set(metric.labels).size, metric.name).toBe(metric.labels.length);
      expect(metric.labels, metric.name).not.toContain("job");
    }
  });

  it("does not know the guide's invented names", () => {
    for (const name of [
      "nats_connz_total",
      "nats_jetstream_enabled",
      "nats_jetstream_memory",
      "nats_jetstream_streams",
      "nats_varz_in_msgs_total",
      "nats_varz_out_msgs_total",
    ]) {
      expect(isKnownMetric(name), name).toBe(false);
    }
    expect(() => catalogMetric("nats_jetstream_memory")).toThrow(/not in the metric catalog/);
  });

  it("knows the real series behind them", () => {
    for (const name of [
      "nats_core_connection_count",
      "gnatsd_connz_total",
      "nats_core_jetstream_enabled",
      "nats_core_jetstream_memstore_used_bytes",
      "nats_core_jetstream_memstore_size_bytes",
      "nats_core_jetstream_server_total_stream_leaders",
      "nats_core_recv_msgs_count",
      "nats_core_sent_msgs_count",
      "gnatsd_varz_in_msgs",
    ]) {
      expect(isKnownMetric(name), name).toBe(true);
    }
  });

  it("gives Surveyor's JetStream series cluster_name and its server series server_cluster", () => {
    const surveyorJetStream = METRIC_CATALOG.filter(
      (m) => m.name.startsWith("nats_core_jetstream_") && m.name !== "nats_core_jetstream_info",
    );
    expect(surveyorJetStream.length).toBeGreaterThan(20);
    for (const metric of surveyorJetStream) {
      expect(metric.labels, metric.name).toContain("cluster_name");
      expect(metric.labels, metric.name).not.toContain("server_cluster");
    }
    expect(catalogMetric("nats_core_connection_count").labels).toEqual(["server_cluster", "server_name", "server_id"]);
    expect(catalogMetric("nats_stream_total_messages").labels).toContain("stream");
    expect(catalogMetric("jetstream_stream_total_messages").labels).toContain("stream_name");
  });

  it("knows which values are cumulative, whatever their TYPE", () => {
    expect(isMonotonic(catalogMetric("nats_core_recv_msgs_count"))).toBe(true);
    expect(isMonotonic(catalogMetric("nats_core_slow_consumer_count"))).toBe(true);
    expect(catalogMetric("nats_core_slow_consumer_count").type).toBe("gauge");
    expect(isMonotonic(catalogMetric("gnatsd_varz_in_msgs"))).toBe(true);
    expect(isMonotonic(catalogMetric("nats_core_connection_count"))).toBe(false);
    // Typed counter by the exporter, but a sum over the current connections.
    expect(catalogMetric("gnatsd_connz_in_msgs").type).toBe("counter");
    expect(isMonotonic(catalogMetric("gnatsd_connz_in_msgs"))).toBe(false);
  });

  it("lets only the per-host agents' series and up carry the host target label", () => {
    const host = (name: string) => mayCarryHostLabel(catalogMetric(name));
    expect(["up", "gnatsd_varz_connections", "gnatsd_healthz_status", "node_load1"].filter(host)).toHaveLength(4);
    expect(["nats_core_info", "nats_up", "prometheus_tsdb_storage_blocks_bytes", "container_start_time_seconds"].filter(host)).toEqual([]);
  });

  it("serves every exporter value as a gauge except the connz traffic sums", () => {
    const counters = METRIC_CATALOG.filter((m) => m.source.startsWith("exporter") && m.type === "counter").map((m) => m.name);
    expect(counters.sort()).toEqual(["gnatsd_connz_in_bytes", "gnatsd_connz_in_msgs", "gnatsd_connz_out_bytes", "gnatsd_connz_out_msgs"]);
  });
});

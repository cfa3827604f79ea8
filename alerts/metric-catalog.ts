/**
 * The metric names that Surveyor and prometheus-nats-exporter really export,
 * as data. Alert rules and dashboards may only name metrics listed here (the
 * tests enforce it), which keeps invented names like the guide's
 * `nats_jetstream_memory` out of the project.
 *
 * Sources: ../shared/facts.md, checked against nats-surveyor 0.9.x and
 * prometheus-nats-exporter 0.20.x source.
 */

/** Which exporter produces a metric, and which flag it needs. */
export type MetricSource =
  | "surveyor"
  | "surveyor --accounts|--jsz"
  | "surveyor --jsz"
  | "surveyor --jetstream"
  | "exporter -varz"
  | "exporter -connz"
  | "exporter -routez"
  | "exporter -subz"
  | "exporter -healthz"
  | "exporter -jsz"
  | "prometheus";

/** One metric of the catalog. */
export interface CatalogMetric {
  readonly name: string;
  readonly source: MetricSource;
  /** Labels besides `job` and `instance`. */
  readonly labels: readonly string[];
  /** Counter (only grows) or gauge. The exporter exports everything as a gauge. */
  readonly type: "counter" | "gauge";
  readonly help: string;
}

const CORE = ["server_cluster", "server_name", "server_id"] as const;
/**
 * Surveyor's JetStream server metrics name the cluster `cluster_name`, not
 * `server_cluster` (nats-surveyor surveyor/collector_statz.go, jsServerLabels).
 */
const JS_SERVER = ["server_id", "server_name", "cluster_name"] as const;
/** Labels of Surveyor's per-consumer metrics (--jsz consumers|all). */
const JSZ_CONSUMER = [
  "account",
  "account_name",
  "cluster_name",
  "raft_group",
  "server_id",
  "server_name",
  "stream",
  "stream_leader",
  "consumer_name",
  "consumer_leader",
] as const;

const surveyor = (
  name: string,
  type: CatalogMetric["type"],
  help: string,
  labels: readonly string[] = CORE,
  source: MetricSource = "surveyor",
): CatalogMetric => ({ name, source, labels, type, help });

const exporter = (name: string, source: MetricSource, help: string): CatalogMetric => ({
  name,
  source,
  labels: ["server_id"],
  type: "gauge",
  help,
});

/** Every metric the project may name. */
export const METRIC_CATALOG: readonly CatalogMetric[] = [
  // Surveyor, always on.
  surveyor("nats_up", "gauge", "1 when Surveyor is connected to NATS", []),
  surveyor("nats_core_info", "gauge", "Server information; the value is 1", [...CORE, "server_version"]),
  surveyor("nats_core_uptime", "gauge", "Server uptime in seconds"),
  surveyor("nats_core_mem_bytes", "gauge", "Server memory in bytes"),
  surveyor("nats_core_cpu_percentage", "gauge", "Server CPU use in percent"),
  surveyor("nats_core_core_count", "gauge", "CPU cores of the server"),
  surveyor("nats_core_connection_count", "gauge", "Current client connections"),
  surveyor("nats_core_total_connection_count", "counter", "Client connections since start"),
  surveyor("nats_core_subs_count", "gauge", "Current subscriptions"),
  surveyor("nats_core_sent_msgs_count", "counter", "Messages sent"),
  surveyor("nats_core_recv_msgs_count", "counter", "Messages received"),
  surveyor("nats_core_sent_bytes", "counter", "Bytes sent"),
  surveyor("nats_core_recv_bytes", "counter", "Bytes received"),
  surveyor("nats_core_slow_consumer_count", "counter", "Slow consumers since start"),
  surveyor("nats_core_route_count", "gauge", "Current routes to other servers"),
  surveyor("nats_core_rtt_nanoseconds", "gauge", "Round trip time from Surveyor to the server"),
  surveyor("nats_core_jetstream_info", "gauge", "JetStream information; the value is 1", [
    "server_name",
    "server_host",
    "server_id",
    "server_cluster",
    "server_domain",
    "server_version",
    "server_jetstream",
  ]),
  surveyor("nats_core_jetstream_enabled", "gauge", "1 when JetStream is enabled on the server", JS_SERVER),
  surveyor("nats_core_jetstream_filestore_size_bytes", "gauge", "JetStream file store limit", JS_SERVER),
  surveyor("nats_core_jetstream_filestore_used_bytes", "gauge", "JetStream file store used", JS_SERVER),
  surveyor("nats_core_jetstream_filestore_reserved_bytes", "gauge", "JetStream file store reserved", JS_SERVER),
  surveyor("nats_core_jetstream_memstore_size_bytes", "gauge", "JetStream memory store limit", JS_SERVER),
  surveyor("nats_core_jetstream_memstore_used_bytes", "gauge", "JetStream memory store used", JS_SERVER),
  surveyor("nats_core_jetstream_memstore_reserved_bytes", "gauge", "JetStream memory store reserved", JS_SERVER),
  surveyor("nats_core_jetstream_ha_assets", "gauge", "Replicated JetStream assets on the server", JS_SERVER),
  surveyor("nats_core_jetstream_api_requests", "counter", "JetStream API requests", JS_SERVER),
  surveyor("nats_core_jetstream_api_errors", "counter", "JetStream API errors", JS_SERVER),
  surveyor("nats_core_jetstream_api_pending", "gauge", "Pending JetStream API requests", JS_SERVER),
  surveyor("nats_core_jetstream_cluster_raft_group_leader", "gauge", "1 on the JetStream meta leader", JS_SERVER),
  surveyor("nats_core_jetstream_cluster_raft_group_replica_peer_active", "gauge", "Seconds since the meta peer was active", [...JS_SERVER, "peer"]),
  surveyor("nats_core_jetstream_cluster_raft_group_replica_peer_current", "gauge", "1 when the meta peer is current", [...JS_SERVER, "peer"]),
  surveyor("nats_core_jetstream_cluster_raft_group_replica_peer_offline", "gauge", "1 when the meta peer is offline", [...JS_SERVER, "peer"]),
  surveyor("nats_survey_expected_count", "gauge", "Servers Surveyor expects", []),
  surveyor("nats_survey_surveyed_count", "gauge", "Servers that answered the last survey", []),
  surveyor("nats_survey_no_replies_count", "counter", "Surveys that got no reply", []),

  // Surveyor with --accounts or --jsz: JetStream totals per server (from JSZ).
  surveyor("nats_core_jetstream_server_total_streams", "gauge", "Stream replicas on the server, R1 streams included", JS_SERVER, "surveyor --accounts|--jsz"),
  surveyor("nats_core_jetstream_server_total_stream_leaders", "gauge", "Streams the server leads; the sum over servers is the number of streams", JS_SERVER, "surveyor --accounts|--jsz"),
  surveyor("nats_core_jetstream_server_total_consumer_leaders", "gauge", "Consumers the server leads; the sum over servers is the number of consumers", JS_SERVER, "surveyor --accounts|--jsz"),

  // Surveyor with --jsz consumers|all: one series per consumer replica.
  surveyor("nats_consumer_num_pending", "gauge", "Messages in the stream that the consumer has not delivered yet", JSZ_CONSUMER, "surveyor --jsz"),
  surveyor("nats_consumer_num_ack_pending", "gauge", "Messages delivered to the consumer and not acknowledged yet", JSZ_CONSUMER, "surveyor --jsz"),

  // prometheus-nats-exporter: every value a gauge, named <ns>_<endpoint>_<json path>.
  exporter("gnatsd_varz_in_msgs", "exporter -varz", "Messages received since start"),
  exporter("gnatsd_varz_out_msgs", "exporter -varz", "Messages sent since start"),
  exporter("gnatsd_varz_in_bytes", "exporter -varz", "Bytes received since start"),
  exporter("gnatsd_varz_out_bytes", "exporter -varz", "Bytes sent since start"),
  exporter("gnatsd_varz_connections", "exporter -varz", "Current client connections"),
  exporter("gnatsd_varz_total_connections", "exporter -varz", "Client connections since start"),
  exporter("gnatsd_varz_subscriptions", "exporter -varz", "Current subscriptions"),
  exporter("gnatsd_varz_slow_consumers", "exporter -varz", "Slow consumers since start"),
  exporter("gnatsd_varz_mem", "exporter -varz", "Server memory in bytes"),
  exporter("gnatsd_varz_cpu", "exporter -varz", "Server CPU use in percent"),
  exporter("gnatsd_varz_routes", "exporter -varz", "Current routes"),
  exporter("gnatsd_varz_jetstream_stats_memory", "exporter -varz", "JetStream memory store used"),
  exporter("gnatsd_varz_jetstream_stats_storage", "exporter -varz", "JetStream file store used"),
  exporter("gnatsd_varz_jetstream_config_max_memory", "exporter -varz", "JetStream memory store limit"),
  exporter("gnatsd_varz_jetstream_config_max_storage", "exporter -varz", "JetStream file store limit"),
  exporter("gnatsd_varz_jetstream_stats_api_errors", "exporter -varz", "JetStream API errors since start"),
  exporter("gnatsd_connz_total", "exporter -connz", "Current client connections"),
  exporter("gnatsd_connz_num_connections", "exporter -connz", "Connections in this page of connz"),
  exporter("gnatsd_connz_pending_bytes", "exporter -connz", "Bytes pending to clients"),
  exporter("gnatsd_connz_subscriptions", "exporter -connz", "Subscriptions of the connections"),
  exporter("gnatsd_routez_num_routes", "exporter -routez", "Current routes"),
  exporter("gnatsd_healthz_status", "exporter -healthz", "0 when the server is healthy"),
];

const known = new Set(METRIC_CATALOG.map((m) => m.name));

/** True when `name` is a metric of the catalog. */
export function isKnownMetric(name: string): boolean {
  return known.has(name);
}

/** The catalog entry for `name`; throws for an unknown metric. */
export function catalogMetric(name: string): CatalogMetric {
  const metric = METRIC_CATALOG.find((m) => m.name === name);
  if (!metric) throw new Error(`${name} is not in the metric catalog (alerts/metric-catalog.ts)`);
  return metric;
}

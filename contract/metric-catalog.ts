/**
 * The metric names that Surveyor and prometheus-nats-exporter really export,
 * as data. Alert rules and dashboards may only name metrics listed here (the
 * tests enforce it), which keeps invented names like the guide's
 * `nats_jetstream_memory` out of the project.
 *
 * Sources, checked against upstream rather than copied from memory:
 * - nats-surveyor `surveyor/collector_statz.go` (names, label keys, types) and
 *   `surveyor/jetstream_advisories.go` (the `--jetstream` advisory counters),
 *   and a scrape of Surveyor 0.9.11 against nats-server 2.14.6 with
 *   `--jsz all --accounts` (the label values and TYPE lines as served);
 * - prometheus-nats-exporter `collector/*.go` (0.20.x; `jsz.go`'s stream
 *   series, `subject_count` and the `limit_*` pair included, are the same in
 *   the 0.19-era source and at tag v0.20.2): every value it builds
 *   from the monitoring JSON is a gauge; the four `connz` traffic sums are the
 *   only series typed counter, and they are sums over the current connections,
 *   so they go down when a connection closes;
 * - for the monitoring stack watching itself: prometheus/prometheus
 *   `rules/group.go` and `rules/manager.go` (rule evaluation failures by
 *   `rule_group`, and the synthetic `ALERTS` series), `cmd/prometheus/main.go`
 *   (config reloads), `tsdb/db.go`, `tsdb/compact.go`, `tsdb/head.go` and
 *   `tsdb/wlog/wlog.go` (storage sizes, retention limit, failed compactions,
 *   WAL corruptions), `notifier/` (notifications by `alertmanager`);
 *   prometheus/alertmanager `config/coordinator.go` and `notify/notify.go`
 *   (notifications by `integration`, failures also by `reason` since 0.26);
 *   grafana/loki `pkg/distributor/distributor.go` (lines received by `tenant`);
 * - the Docker host: prometheus/node_exporter `collector/cpu_linux.go`,
 *   `meminfo.go` (one gauge per /proc/meminfo field, keeping its capitals),
 *   `loadavg.go`, `filesystem_common.go` and `diskstats_linux.go`; the live
 *   test checks each name below against a scrape of Debian's node-exporter;
 * - the stack's containers: google/cadvisor `metrics/prometheus.go` (v0.57.0,
 *   the newest module version that ships it: from v0.60 it moved into the
 *   `cmd` module, which the Go module proxy does not serve) and
 *   `cmd/cadvisor.go` (the label flags). Series carry `id` (the cgroup),
 *   `name` (the container name), `image`, and one `container_label_*` label
 *   per kept Docker label; the Cadvisor construct keeps `natsmon.project`
 *   and `natsmon.component` only (`--store_container_labels=false`).
 *
 * Labels worth knowing before writing a query:
 * - Surveyor's server series carry `server_cluster, server_name, server_id`;
 *   its JetStream series (`nats_core_jetstream_*`, the meta-group Raft series)
 *   carry `cluster_name, server_name, server_id` instead; stream and consumer
 *   series carry `cluster_name` and `stream` (not `stream_name`).
 * - `server_id` in Surveyor is the server's generated NKey id, which changes on
 *   every restart; match on `server_name`.
 * - The exporter's `server_id` is the name given in its `name,url` arguments
 *   (`nats-node1`), not the NKey id.
 */

import { CADVISOR_LABELS } from "./container-labels.js";

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
  | "prometheus"
  | "alertmanager"
  | "loki"
  | "node-exporter"
  | "cadvisor";

/** One metric of the catalog. */
export interface CatalogMetric {
  readonly name: string;
  readonly source: MetricSource;
  /** Labels besides `job` and `instance`. */
  readonly labels: readonly string[];
  /** The TYPE the exporter serves. prometheus-nats-exporter serves nearly everything as a gauge. */
  readonly type: "counter" | "gauge";
  /**
   * True when the value only grows until the process restarts, so `rate()`
   * and `increase()` apply, whatever its TYPE (Surveyor's
   * `nats_core_slow_consumer_count` and the exporter's `gnatsd_varz_in_msgs`
   * are cumulative gauges). @default type === "counter"
   */
  readonly monotonic?: boolean;
  readonly help: string;
}

/** True when `rate()`/`increase()` make sense on the metric. */
export function isMonotonic(metric: CatalogMetric): boolean {
  return metric.monotonic ?? metric.type === "counter";
}

/**
 * True when Prometheus may put the `host` target label (LOG_LABELS.host) on
 * the metric's series: in a stack over several hosts, each host's agents (the
 * exporter, node-exporter) are scraped with it, and `up` exists for every
 * target. Surveyor and the monitoring parts run once, without it.
 */
export function mayCarryHostLabel(metric: CatalogMetric): boolean {
  return metric.name === "up" || metric.source === "node-exporter" || metric.source.startsWith("exporter");
}

// Label sets, as Surveyor declares them.
const CORE = ["server_cluster", "server_name", "server_id"] as const;
const JS = ["cluster_name", "server_name", "server_id"] as const;
const ROUTE = [...CORE, "server_route_name", "server_route_name_id"] as const;
const ACCOUNT_PER_SERVER = [...CORE, "account", "account_name"] as const;
const ACCOUNT = ["account", "account_name"] as const;
// cAdvisor's labels of a container series with the stack's two kept Docker labels.
const CONTAINER = ["id", "name", "image", CADVISOR_LABELS.project, CADVISOR_LABELS.component] as const;
// node-exporter's file system labels.
const FILESYSTEM = ["device", "fstype", "mountpoint"] as const;
const STREAM = ["account", "account_name", "cluster_name", "raft_group", "server_id", "server_name", "stream", "stream_leader"] as const;
const CONSUMER = [...STREAM, "consumer_name", "consumer_leader"] as const;
// prometheus-nats-exporter -jsz label sets (0.20.x).
const EXPORTER_JS_SERVER = ["server_id", "server_name", "cluster", "domain", "meta_leader", "is_meta_leader"] as const;
const EXPORTER_JS_STREAM = [
  ...EXPORTER_JS_SERVER,
  "account",
  "account_name",
  "account_id",
  "stream_name",
  "stream_leader",
  "is_stream_leader",
  "stream_raft_group",
] as const;
const EXPORTER_JS_CONSUMER = [...EXPORTER_JS_STREAM, "consumer_name", "consumer_leader", "is_consumer_leader", "consumer_desc"] as const;

interface MetricOptions {
  readonly labels?: readonly string[];
  readonly source?: MetricSource;
  readonly monotonic?: boolean;
}

const surveyor = (name: string, type: CatalogMetric["type"], help: string, options: MetricOptions = {}): CatalogMetric => ({
  name,
  source: options.source ?? "surveyor",
  labels: options.labels ?? CORE,
  type,
  help,
  ...(options.monotonic === undefined ? {} : { monotonic: options.monotonic }),
});

const exporter = (name: string, source: MetricSource, help: string, options: MetricOptions = {}): CatalogMetric => ({
  name,
  source,
  labels: options.labels ?? ["server_id"],
  type: "gauge",
  help,
  ...(options.monotonic === undefined ? {} : { monotonic: options.monotonic }),
});

const accounts = "surveyor --accounts|--jsz" as const;
const jsz = "surveyor --jsz" as const;
const advisories = "surveyor --jetstream" as const;

/** Every metric the project may name. */
export const METRIC_CATALOG: readonly CatalogMetric[] = [
  // Surveyor: the survey itself.
  surveyor("nats_up", "gauge", "1 when Surveyor is connected to NATS; when 0 it serves no other NATS series", { labels: [] }),
  surveyor("nats_survey_expected_count", "gauge", "Servers Surveyor expects to answer (its --count)", { labels: [] }),
  surveyor("nats_survey_surveyed_count", "gauge", "Servers that answered the last survey", { labels: [] }),
  surveyor("nats_survey_no_replies_count", "counter", "Servers that did not answer, summed over surveys", { labels: ["expected"] }),
  surveyor("nats_survey_poll_error_count", "counter", "Surveys that failed", { labels: [] }),
  surveyor("nats_survey_late_replies_count", "counter", "Replies that arrived after the poll timeout", { labels: ["timeout"] }),

  // Surveyor: one series per server, from STATSZ.
  surveyor("nats_core_info", "gauge", "Server information; the value is 1", { labels: [...CORE, "server_version"] }),
  surveyor("nats_core_start_time", "gauge", "Server start time"),
  surveyor("nats_core_uptime", "gauge", "Server uptime in seconds"),
  surveyor("nats_core_mem_bytes", "gauge", "Server memory (RSS) in bytes"),
  surveyor("nats_core_cpu_percentage", "gauge", "Server CPU use in percent of one core"),
  surveyor("nats_core_core_count", "gauge", "CPU cores of the server's machine"),
  surveyor("nats_core_connection_count", "gauge", "Current client connections"),
  surveyor("nats_core_total_connection_count", "counter", "Client connections served since start"),
  surveyor("nats_core_active_account_count", "gauge", "Accounts with activity on the server"),
  surveyor("nats_core_subs_count", "gauge", "Current subscriptions"),
  surveyor("nats_core_sent_msgs_count", "counter", "Messages sent to all connections (clients, routes, gateways, leafnodes)"),
  surveyor("nats_core_recv_msgs_count", "counter", "Messages received from all connections"),
  surveyor("nats_core_sent_bytes", "counter", "Bytes sent to all connections"),
  surveyor("nats_core_recv_bytes", "counter", "Bytes received from all connections"),
  surveyor(
    "nats_core_slow_consumer_count",
    "gauge",
    "Clients disconnected as slow consumers since start (served as a gauge, but cumulative)",
    {
      monotonic: true,
    },
  ),
  surveyor("nats_core_rtt_nanoseconds", "gauge", "Round trip time from Surveyor to the server"),
  surveyor("nats_core_route_count", "gauge", "Route connections; nats-server 2.10+ pools several per peer"),
  surveyor("nats_core_gateway_count", "gauge", "Gateway connections"),
  surveyor("nats_core_route_sent_msg_count", "counter", "Messages sent over one route", { labels: ROUTE }),
  surveyor("nats_core_route_recv_msg_count", "counter", "Messages received over one route", { labels: ROUTE }),
  surveyor("nats_core_route_sent_bytes", "counter", "Bytes sent over one route", { labels: ROUTE }),
  surveyor("nats_core_route_recv_bytes", "counter", "Bytes received over one route", { labels: ROUTE }),
  surveyor("nats_core_route_pending_bytes", "gauge", "Bytes waiting to be sent over one route; server_route_name is the peer", {
    labels: ROUTE,
  }),

  // Surveyor: JetStream per server (note cluster_name, not server_cluster).
  surveyor("nats_core_jetstream_info", "gauge", "JetStream information; the value is 1", {
    labels: ["server_name", "server_host", "server_id", "server_cluster", "server_domain", "server_version", "server_jetstream"],
  }),
  surveyor("nats_core_jetstream_enabled", "gauge", "1 when JetStream is enabled on the server", { labels: JS }),
  surveyor("nats_core_jetstream_filestore_size_bytes", "gauge", "JetStream file store limit (max_file_store)", { labels: JS }),
  surveyor("nats_core_jetstream_filestore_used_bytes", "gauge", "JetStream file store used", { labels: JS }),
  surveyor("nats_core_jetstream_filestore_reserved_bytes", "gauge", "JetStream file store reserved by accounts", { labels: JS }),
  surveyor("nats_core_jetstream_memstore_size_bytes", "gauge", "JetStream memory store limit (max_memory_store)", { labels: JS }),
  surveyor("nats_core_jetstream_memstore_used_bytes", "gauge", "JetStream memory store used", { labels: JS }),
  surveyor("nats_core_jetstream_memstore_reserved_bytes", "gauge", "JetStream memory store reserved by accounts", { labels: JS }),
  surveyor("nats_core_jetstream_accounts", "gauge", "Accounts using JetStream on the server", { labels: JS }),
  surveyor("nats_core_jetstream_ha_assets", "gauge", "Raft groups the server runs: replicated streams and consumers, plus the meta group", {
    labels: JS,
  }),
  surveyor("nats_core_jetstream_api_requests", "counter", "JetStream API requests since start", { labels: JS }),
  surveyor("nats_core_jetstream_api_errors", "counter", "JetStream API errors since start", { labels: JS }),
  surveyor("nats_core_jetstream_api_pending", "gauge", "JetStream API requests waiting to be processed", { labels: JS }),
  surveyor("nats_core_jetstream_cluster_raft_group_info", "gauge", "The meta group as the server sees it; the value is 1", {
    labels: ["jetstream_domain", "raft_group", "server_id", "server_name", "cluster_name", "leader"],
  }),
  surveyor("nats_core_jetstream_cluster_raft_group_size", "gauge", "Peers in the meta group", { labels: JS }),
  surveyor("nats_core_jetstream_cluster_raft_group_leader", "gauge", "1 on the JetStream meta leader, 0 on the others", { labels: JS }),
  surveyor("nats_core_jetstream_cluster_raft_group_replicas", "gauge", "Meta group peers, as the leader reports them", { labels: JS }),
  surveyor(
    "nats_core_jetstream_cluster_raft_group_replica_peer_active",
    "gauge",
    "Nanoseconds since the meta leader heard from the peer (leader only)",
    {
      labels: [...JS, "peer"],
    },
  ),
  surveyor("nats_core_jetstream_cluster_raft_group_replica_peer_current", "gauge", "1 when the meta peer is caught up (leader only)", {
    labels: [...JS, "peer"],
  }),
  surveyor("nats_core_jetstream_cluster_raft_group_replica_peer_offline", "gauge", "1 when the meta peer is offline (leader only)", {
    labels: [...JS, "peer"],
  }),

  // Surveyor with --accounts or --jsz.
  surveyor("nats_core_jetstream_server_jetstream_disabled", "gauge", "1 when JetStream is disabled on the server", {
    labels: JS,
    source: accounts,
  }),
  surveyor("nats_core_jetstream_server_total_streams", "gauge", "Stream replicas on the server, R1 streams included", {
    labels: JS,
    source: accounts,
  }),
  surveyor("nats_core_jetstream_server_total_consumers", "gauge", "Consumer replicas on the server", { labels: JS, source: accounts }),
  surveyor(
    "nats_core_jetstream_server_total_stream_leaders",
    "gauge",
    "Streams the server leads; the sum over servers is the stream count (nats-server 2.11.11+)",
    {
      labels: JS,
      source: accounts,
    },
  ),
  surveyor(
    "nats_core_jetstream_server_total_consumer_leaders",
    "gauge",
    "Consumers the server leads; the sum over servers is the consumer count (nats-server 2.11.11+)",
    {
      labels: JS,
      source: accounts,
    },
  ),
  surveyor("nats_core_jetstream_server_total_messages", "gauge", "Messages stored on the server, all replicas", {
    labels: JS,
    source: accounts,
  }),
  surveyor("nats_core_jetstream_server_total_message_bytes", "gauge", "Bytes stored on the server, all replicas", {
    labels: JS,
    source: accounts,
  }),
  surveyor("nats_core_jetstream_server_max_memory", "gauge", "JetStream memory limit", { labels: JS, source: accounts }),
  surveyor("nats_core_jetstream_server_max_storage", "gauge", "JetStream storage limit", { labels: JS, source: accounts }),
  surveyor("nats_core_account_count", "gauge", "Accounts detected", { labels: [], source: accounts }),
  surveyor("nats_core_account_conn_count", "gauge", "Client connections of the account on the server", {
    labels: ACCOUNT_PER_SERVER,
    source: accounts,
  }),
  surveyor("nats_core_account_total_conn_count", "gauge", "Client and leafnode connections of the account on the server", {
    labels: ACCOUNT_PER_SERVER,
    source: accounts,
  }),
  surveyor("nats_core_account_leaf_count", "gauge", "Leafnode connections of the account on the server", {
    labels: ACCOUNT_PER_SERVER,
    source: accounts,
  }),
  surveyor("nats_core_account_sub_count", "gauge", "Subscriptions of the account on the server", {
    labels: ACCOUNT_PER_SERVER,
    source: accounts,
  }),
  surveyor("nats_core_account_slow_consumer_count", "gauge", "Slow consumers of the account on the server since start (cumulative)", {
    labels: ACCOUNT_PER_SERVER,
    source: accounts,
    monotonic: true,
  }),
  surveyor("nats_core_account_msgs_sent", "counter", "Messages the account sent on the server", {
    labels: ACCOUNT_PER_SERVER,
    source: accounts,
  }),
  surveyor("nats_core_account_msgs_recv", "counter", "Messages the account received on the server", {
    labels: ACCOUNT_PER_SERVER,
    source: accounts,
  }),
  surveyor("nats_core_account_bytes_sent", "counter", "Bytes the account sent on the server", {
    labels: ACCOUNT_PER_SERVER,
    source: accounts,
  }),
  surveyor("nats_core_account_bytes_recv", "counter", "Bytes the account received on the server", {
    labels: ACCOUNT_PER_SERVER,
    source: accounts,
  }),
  surveyor("nats_core_account_jetstream_enabled", "gauge", "1 when JetStream is enabled for the account", {
    labels: ACCOUNT,
    source: accounts,
  }),
  surveyor("nats_core_account_jetstream_memory_used", "gauge", "JetStream memory the account uses", { labels: ACCOUNT, source: accounts }),
  surveyor("nats_core_account_jetstream_storage_used", "gauge", "JetStream storage the account uses", {
    labels: ACCOUNT,
    source: accounts,
  }),
  surveyor("nats_core_account_jetstream_memory_reserved", "gauge", "JetStream memory reserved for the account (1.8e19 when unlimited)", {
    labels: ACCOUNT,
    source: accounts,
  }),
  surveyor("nats_core_account_jetstream_storage_reserved", "gauge", "JetStream storage reserved for the account (1.8e19 when unlimited)", {
    labels: ACCOUNT,
    source: accounts,
  }),
  surveyor("nats_core_account_jetstream_stream_count", "gauge", "Streams of the account", { labels: ACCOUNT, source: accounts }),
  surveyor("nats_core_account_jetstream_consumer_count", "gauge", "Consumers of one stream of the account", {
    labels: [...ACCOUNT, "stream", "raft_group"],
    source: accounts,
  }),
  surveyor("nats_core_account_jetstream_replica_count", "gauge", "Replicas of one stream of the account", {
    labels: [...ACCOUNT, "stream", "raft_group"],
    source: accounts,
  }),

  // Surveyor with --jsz: one series per stream or consumer (per replica unless --jsz-leaders-only).
  surveyor("nats_stream_total_messages", "gauge", "Messages in the stream", { labels: STREAM, source: jsz }),
  surveyor("nats_stream_total_bytes", "gauge", "Bytes in the stream", { labels: STREAM, source: jsz }),
  surveyor("nats_stream_first_seq", "gauge", "First sequence of the stream", { labels: STREAM, source: jsz }),
  surveyor("nats_stream_last_seq", "gauge", "Last sequence of the stream", { labels: STREAM, source: jsz }),
  surveyor("nats_stream_consumer_count", "gauge", "Consumers of the stream", { labels: STREAM, source: jsz }),
  surveyor("nats_stream_subject_count", "gauge", "Subjects in the stream", { labels: STREAM, source: jsz }),
  surveyor(
    "nats_consumer_num_pending",
    "gauge",
    "Messages not yet delivered to the consumer; computed on the consumer leader, 0 on replicas",
    {
      labels: CONSUMER,
      source: jsz,
    },
  ),
  surveyor("nats_consumer_num_ack_pending", "gauge", "Messages delivered and not yet acknowledged", { labels: CONSUMER, source: jsz }),
  surveyor("nats_consumer_num_redelivered", "gauge", "Outstanding messages delivered more than once (not a rate)", {
    labels: CONSUMER,
    source: jsz,
  }),
  surveyor("nats_consumer_num_waiting", "gauge", "Pull requests waiting for messages", { labels: CONSUMER, source: jsz }),
  surveyor("nats_consumer_delivered_consumer_seq", "gauge", "Last consumer sequence delivered", { labels: CONSUMER, source: jsz }),
  surveyor("nats_consumer_delivered_stream_seq", "gauge", "Last stream sequence delivered", { labels: CONSUMER, source: jsz }),
  surveyor("nats_consumer_ack_floor_consumer_seq", "gauge", "Consumer sequence below which everything is acknowledged", {
    labels: CONSUMER,
    source: jsz,
  }),
  surveyor("nats_consumer_ack_floor_stream_seq", "gauge", "Stream sequence below which everything is acknowledged", {
    labels: CONSUMER,
    source: jsz,
  }),

  // Surveyor with --jetstream DIR: counters of JetStream advisories, created at the first event.
  surveyor("nats_jetstream_advisory_count", "gauge", "Advisory listeners running (one per account file)", {
    labels: [],
    source: advisories,
  }),
  surveyor("nats_jetstream_total_advisories", "counter", "Advisories handled", { labels: ["account"], source: advisories }),
  surveyor("nats_jetstream_api_audit", "counter", "JetStream API calls, by subject", {
    labels: ["subject", "account"],
    source: advisories,
  }),
  surveyor("nats_jetstream_delivery_exceeded_count", "counter", "Deliveries of messages that reached the consumer's max_deliver", {
    labels: ["account", "stream", "consumer"],
    source: advisories,
  }),
  surveyor("nats_jetstream_delivery_terminated_count", "counter", "Messages a client terminated (AckTerm)", {
    labels: ["account", "stream", "consumer"],
    source: advisories,
  }),
  surveyor("nats_jetstream_consumer_nak", "counter", "Negative acknowledgements", {
    labels: ["account", "stream", "consumer"],
    source: advisories,
  }),
  surveyor("nats_jetstream_stream_leader_elected", "counter", "Stream leader elections", {
    labels: ["account", "stream"],
    source: advisories,
  }),
  surveyor("nats_jetstream_consumer_leader_elected", "counter", "Consumer leader elections", {
    labels: ["account", "stream"],
    source: advisories,
  }),
  surveyor("nats_jetstream_stream_quorum_lost", "counter", "Times a stream's Raft group lost quorum", {
    labels: ["account", "stream"],
    source: advisories,
  }),
  surveyor("nats_jetstream_consumer_quorum_lost", "counter", "Times a consumer's Raft group lost quorum", {
    labels: ["account", "stream"],
    source: advisories,
  }),
  surveyor("nats_jetstream_stream_actions", "counter", "Streams created, updated and deleted", {
    labels: ["account", "stream", "action"],
    source: advisories,
  }),
  surveyor("nats_jetstream_consumer_actions", "counter", "Consumers created, updated and deleted", {
    labels: ["account", "stream", "action"],
    source: advisories,
  }),

  // prometheus-nats-exporter: named <ns>_<endpoint>_<json path>, gauges even when cumulative.
  exporter("gnatsd_varz_in_msgs", "exporter -varz", "Messages received since start", { monotonic: true }),
  exporter("gnatsd_varz_out_msgs", "exporter -varz", "Messages sent since start", { monotonic: true }),
  exporter("gnatsd_varz_in_bytes", "exporter -varz", "Bytes received since start", { monotonic: true }),
  exporter("gnatsd_varz_out_bytes", "exporter -varz", "Bytes sent since start", { monotonic: true }),
  exporter("gnatsd_varz_connections", "exporter -varz", "Current client connections"),
  exporter("gnatsd_varz_total_connections", "exporter -varz", "Client connections since start", { monotonic: true }),
  exporter("gnatsd_varz_subscriptions", "exporter -varz", "Current subscriptions"),
  exporter("gnatsd_varz_slow_consumers", "exporter -varz", "Slow consumers since start", { monotonic: true }),
  exporter("gnatsd_varz_mem", "exporter -varz", "Server memory (RSS) in bytes"),
  exporter("gnatsd_varz_cpu", "exporter -varz", "Server CPU use in percent of one core"),
  exporter("gnatsd_varz_cores", "exporter -varz", "CPU cores of the server's machine"),
  exporter("gnatsd_varz_routes", "exporter -varz", "Current routes"),
  exporter("gnatsd_varz_jetstream_stats_memory", "exporter -varz", "JetStream memory store used"),
  exporter("gnatsd_varz_jetstream_stats_storage", "exporter -varz", "JetStream file store used"),
  exporter("gnatsd_varz_jetstream_stats_reserved_memory", "exporter -varz", "JetStream memory reserved by accounts"),
  exporter("gnatsd_varz_jetstream_stats_reserved_storage", "exporter -varz", "JetStream storage reserved by accounts"),
  exporter("gnatsd_varz_jetstream_stats_accounts", "exporter -varz", "Accounts using JetStream"),
  exporter("gnatsd_varz_jetstream_stats_ha_assets", "exporter -varz", "Raft groups the server runs"),
  exporter("gnatsd_varz_jetstream_stats_api_total", "exporter -varz", "JetStream API requests since start", { monotonic: true }),
  exporter("gnatsd_varz_jetstream_stats_api_errors", "exporter -varz", "JetStream API errors since start", { monotonic: true }),
  exporter("gnatsd_varz_jetstream_config_max_memory", "exporter -varz", "JetStream memory store limit"),
  exporter("gnatsd_varz_jetstream_config_max_storage", "exporter -varz", "JetStream file store limit"),
  exporter("gnatsd_connz_total", "exporter -connz", "Current client connections"),
  exporter("gnatsd_connz_num_connections", "exporter -connz", "Connections in the page connz returned (at most 1024)"),
  exporter("gnatsd_connz_pending_bytes", "exporter -connz", "Bytes pending to the connections of the page"),
  exporter("gnatsd_connz_subscriptions", "exporter -connz", "Subscriptions of the connections of the page"),
  {
    ...exporter("gnatsd_connz_in_msgs", "exporter -connz", "Messages received by the current connections (drops when one closes)"),
    type: "counter",
    monotonic: false,
  },
  {
    ...exporter("gnatsd_connz_out_msgs", "exporter -connz", "Messages sent to the current connections (drops when one closes)"),
    type: "counter",
    monotonic: false,
  },
  {
    ...exporter("gnatsd_connz_in_bytes", "exporter -connz", "Bytes received by the current connections (drops when one closes)"),
    type: "counter",
    monotonic: false,
  },
  {
    ...exporter("gnatsd_connz_out_bytes", "exporter -connz", "Bytes sent to the current connections (drops when one closes)"),
    type: "counter",
    monotonic: false,
  },
  exporter("gnatsd_routez_num_routes", "exporter -routez", "Current routes"),
  exporter("gnatsd_subsz_num_subscriptions", "exporter -subz", "Subscriptions in the server's sublist"),
  exporter("gnatsd_subsz_num_cache", "exporter -subz", "Entries in the sublist match cache"),
  exporter("gnatsd_subsz_num_matches", "exporter -subz", "Sublist matches since start", { monotonic: true }),
  exporter("gnatsd_subsz_cache_hit_rate", "exporter -subz", "Sublist cache hit rate"),
  exporter("gnatsd_subsz_max_fanout", "exporter -subz", "Largest fan-out of a subject"),
  exporter("gnatsd_subsz_avg_fanout", "exporter -subz", "Average fan-out"),
  exporter("gnatsd_healthz_status", "exporter -healthz", "0 when the server's /healthz answers ok, 1 otherwise; absent when unreachable"),
  exporter("jetstream_server_jetstream_disabled", "exporter -jsz", "1 when JetStream is disabled", { labels: EXPORTER_JS_SERVER }),
  exporter("jetstream_server_total_streams", "exporter -jsz", "Streams with a replica on the server", { labels: EXPORTER_JS_SERVER }),
  exporter("jetstream_server_total_consumers", "exporter -jsz", "Consumers with a replica on the server", { labels: EXPORTER_JS_SERVER }),
  exporter("jetstream_server_total_messages", "exporter -jsz", "Messages stored on the server", { labels: EXPORTER_JS_SERVER }),
  exporter("jetstream_server_total_message_bytes", "exporter -jsz", "Bytes stored on the server", { labels: EXPORTER_JS_SERVER }),
  exporter("jetstream_server_max_memory", "exporter -jsz", "JetStream memory limit", { labels: EXPORTER_JS_SERVER }),
  exporter("jetstream_server_max_storage", "exporter -jsz", "JetStream storage limit", { labels: EXPORTER_JS_SERVER }),
  exporter("jetstream_stream_total_messages", "exporter -jsz", "Messages in the stream (per replica)", { labels: EXPORTER_JS_STREAM }),
  exporter("jetstream_stream_total_bytes", "exporter -jsz", "Bytes in the stream (per replica)", { labels: EXPORTER_JS_STREAM }),
  exporter("jetstream_stream_first_seq", "exporter -jsz", "First sequence of the stream", { labels: EXPORTER_JS_STREAM }),
  exporter("jetstream_stream_last_seq", "exporter -jsz", "Last sequence of the stream", { labels: EXPORTER_JS_STREAM }),
  exporter("jetstream_stream_consumer_count", "exporter -jsz", "Consumers of the stream", { labels: EXPORTER_JS_STREAM }),
  exporter("jetstream_stream_subject_count", "exporter -jsz", "Subjects in the stream", { labels: EXPORTER_JS_STREAM }),
  // Only when the /jsz request asks for the streams' config: -jsz=all or
  // consumers; -jsz=streams sends ?streams=true alone (collector/jsz.go).
  exporter("jetstream_stream_limit_bytes", "exporter -jsz", "The stream's max_bytes; -1 without a limit (not with -jsz=streams)", {
    labels: EXPORTER_JS_STREAM,
  }),
  exporter("jetstream_stream_limit_messages", "exporter -jsz", "The stream's max_msgs; -1 without a limit (not with -jsz=streams)", {
    labels: EXPORTER_JS_STREAM,
  }),
  exporter(
    "jetstream_consumer_num_pending",
    "exporter -jsz",
    'Messages not yet delivered; 0 off the consumer leader (filter is_consumer_leader="true")',
    {
      labels: EXPORTER_JS_CONSUMER,
    },
  ),
  exporter("jetstream_consumer_num_ack_pending", "exporter -jsz", "Messages delivered and not yet acknowledged", {
    labels: EXPORTER_JS_CONSUMER,
  }),
  exporter("jetstream_consumer_num_redelivered", "exporter -jsz", "Outstanding messages delivered more than once", {
    labels: EXPORTER_JS_CONSUMER,
  }),
  exporter("jetstream_consumer_num_waiting", "exporter -jsz", "Pull requests waiting for messages", { labels: EXPORTER_JS_CONSUMER }),
  exporter("jetstream_consumer_delivered_consumer_seq", "exporter -jsz", "Last consumer sequence delivered", {
    labels: EXPORTER_JS_CONSUMER,
  }),
  exporter("jetstream_consumer_delivered_stream_seq", "exporter -jsz", "Last stream sequence delivered", { labels: EXPORTER_JS_CONSUMER }),
  exporter("jetstream_consumer_ack_floor_consumer_seq", "exporter -jsz", "Consumer sequence below which everything is acknowledged", {
    labels: EXPORTER_JS_CONSUMER,
  }),
  exporter("jetstream_consumer_ack_floor_stream_seq", "exporter -jsz", "Stream sequence below which everything is acknowledged", {
    labels: EXPORTER_JS_CONSUMER,
  }),

  // Prometheus itself: the scrape health of every job.
  { name: "up", source: "prometheus", labels: [], type: "gauge", help: "1 when Prometheus's last scrape of the target succeeded" },
  {
    name: "ALERTS",
    source: "prometheus",
    labels: ["alertname", "alertstate", "severity"],
    type: "gauge",
    help: "1 for every pending or firing alert, with the alert's labels (the rule manager writes it)",
  },
  ...[
    prom("prometheus_rule_evaluation_failures_total", "counter", "Rule evaluations that failed", ["rule_group"]),
    prom("prometheus_config_last_reload_successful", "gauge", "1 when the last configuration reload succeeded"),
    prom("prometheus_tsdb_compactions_failed_total", "counter", "Compactions of the TSDB that failed"),
    prom("prometheus_tsdb_wal_corruptions_total", "counter", "Corruptions of the write-ahead log found (and repaired)"),
    prom("prometheus_tsdb_storage_blocks_bytes", "gauge", "Bytes of every persisted block"),
    prom("prometheus_tsdb_wal_storage_size_bytes", "gauge", "Bytes of the write-ahead log"),
    prom("prometheus_tsdb_retention_limit_bytes", "gauge", "The retention size (--storage.tsdb.retention.size); 0 when unset"),
    prom("prometheus_notifications_alertmanagers_discovered", "gauge", "Alertmanagers Prometheus knows and sends to"),
    prom("prometheus_notifications_errors_total", "counter", "Alerts that could not be sent to an Alertmanager", ["alertmanager"]),
    prom("prometheus_notifications_sent_total", "counter", "Alerts sent to an Alertmanager", ["alertmanager"]),
  ],
  {
    name: "alertmanager_config_last_reload_successful",
    source: "alertmanager",
    labels: [],
    type: "gauge",
    help: "1 when the last reload succeeded",
  },
  {
    name: "alertmanager_notifications_total",
    source: "alertmanager",
    labels: ["integration"],
    type: "counter",
    help: "Notifications attempted, by integration (email, slack, pagerduty, webhook, ...)",
  },
  {
    name: "alertmanager_notifications_failed_total",
    source: "alertmanager",
    labels: ["integration", "reason"],
    type: "counter",
    help: "Notifications that failed, by integration (and reason since Alertmanager 0.26)",
  },
  {
    name: "loki_distributor_lines_received_total",
    source: "loki",
    labels: ["tenant"],
    type: "counter",
    help: "Log lines the distributor received, by tenant (created at the first line)",
  },
  ...[
    node("node_cpu_seconds_total", "counter", "Seconds each CPU spent in each mode (user, system, idle, iowait, ...)", ["cpu", "mode"]),
    node("node_memory_MemTotal_bytes", "gauge", "The host's memory (/proc/meminfo MemTotal)"),
    node("node_memory_MemAvailable_bytes", "gauge", "Memory available for new work without swapping (/proc/meminfo MemAvailable)"),
    node("node_load1", "gauge", "The host's 1-minute load average"),
    node("node_filesystem_size_bytes", "gauge", "Size of each mounted file system", FILESYSTEM),
    node("node_filesystem_avail_bytes", "gauge", "Bytes of each file system available to unprivileged users", FILESYSTEM),
    node("node_disk_read_bytes_total", "counter", "Bytes read from each block device", ["device"]),
    node("node_disk_written_bytes_total", "counter", "Bytes written to each block device", ["device"]),
  ],
  ...[
    // `cpu` is "total" while per-CPU metrics are off (the construct's --enable_metrics leaves percpu out).
    cadvisor("container_cpu_usage_seconds_total", "counter", "CPU time the container consumed, in seconds (kind cpu)", [
      ...CONTAINER,
      "cpu",
    ]),
    cadvisor(
      "container_memory_working_set_bytes",
      "gauge",
      "The container's working set: usage minus inactive file cache, what the OOM killer weighs (kind memory)",
    ),
    cadvisor("container_spec_memory_limit_bytes", "gauge", "The container's memory limit; 0 without one"),
    cadvisor(
      "container_start_time_seconds",
      "gauge",
      "When the container (its current process) started, seconds since the epoch: a restart moves it",
    ),
    cadvisor("container_oom_events_total", "counter", "OOM kills in the container that cAdvisor read from /dev/kmsg (kind oom_event)"),
    cadvisor("container_last_seen", "gauge", "When cAdvisor last saw the container, seconds since the epoch"),
  ],
];

/** A metric of cAdvisor's about one container. */
function cadvisor(name: string, type: CatalogMetric["type"], help: string, labels: readonly string[] = CONTAINER): CatalogMetric {
  return { name, source: "cadvisor", labels, type, help };
}

/** A metric of node-exporter's, about the Docker host. */
function node(name: string, type: CatalogMetric["type"], help: string, labels: readonly string[] = []): CatalogMetric {
  return { name, source: "node-exporter", labels, type, help };
}

/** A metric of Prometheus's own. */
function prom(name: string, type: CatalogMetric["type"], help: string, labels: readonly string[] = []): CatalogMetric {
  return { name, source: "prometheus", labels, type, help };
}

const byName = new Map(METRIC_CATALOG.map((m) => [m.name, m]));

/** True when `name` is a metric of the catalog. */
export function isKnownMetric(name: string): boolean {
  return byName.has(name);
}

/** The catalog entry for `name`; throws for an unknown metric. */
export function catalogMetric(name: string): CatalogMetric {
  const metric = byName.get(name);
  if (!metric) throw new Error(`${name} is not in the metric catalog (contract/metric-catalog.ts)`);
  return metric;
}

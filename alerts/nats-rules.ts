import { CONTAINER_PORTS, SCRAPE_JOBS } from "../contract/index.js";
import { counterIncreased } from "./promql.js";
import type { AlertRuleGroup } from "./rule-types.js";

/**
 * Thresholds of the guide's tuning advice. Change them here, run
 * `npm run alerts`, and commit the regenerated files.
 */
export const THRESHOLDS = {
  /** Guide: "more than 1000 connections: consider load balancing". */
  connectionsPerServer: 1000,
  /** Guide: "JetStream memory use above 80%: add resources". A ratio of the limit. */
  jetStreamMemoryRatio: 0.8,
  /** The same advice for the file store. */
  jetStreamStorageRatio: 0.8,
  /** A file store this full makes publishes fail soon. */
  jetStreamStorageCriticalRatio: 0.95,
  /** Guide: "watch the backlog of unprocessed messages". Messages not yet delivered to one consumer. */
  consumerPendingMessages: 1000,
  /** JetStream API errors per server in 10 minutes; a few are normal (lookups of missing streams). */
  jetStreamApiErrorsPer10m: 10,
} as const;

/** Server-level availability: is every server there, surveyed, routed and healthy. */
const availability: AlertRuleGroup = {
  name: "nats-availability",
  rules: [
    {
      alert: "NatsServerDown",
      // A server that Surveyor saw in the last hour and no longer sees. server_id
      // is left out on purpose: nats-server draws a new one at every start.
      expr: `(
  group by (server_cluster, server_name) (max_over_time(nats_core_info[1h]))
  unless on (server_cluster, server_name)
  group by (server_cluster, server_name) (nats_core_info)
)
and on () (max(nats_up) == 1)`,
      for: "2m",
      severity: "critical",
      summary: "NATS server {{ $labels.server_name }} is missing from the survey",
      description:
        "Surveyor saw {{ $labels.server_name }} of cluster {{ $labels.server_cluster }} in the last hour but the server no longer answers its survey: it is down, unreachable over the routes, or its system account connection is gone. JetStream assets with a replica on it run with one replica less.",
      action:
        "docker ps -a and docker logs for the server's container; nats --context system server list from nats-box to see which servers answer. Restart the container if it exited. After scaling in on purpose, the alert clears within an hour.",
    },
    {
      alert: "NatsSurveyIncomplete",
      expr: "nats_survey_surveyed_count < nats_survey_expected_count",
      for: "5m",
      severity: "warning",
      summary: "Only {{ $value }} NATS servers answered Surveyor's survey",
      description:
        "Surveyor expects more servers than answered its last surveys. Unlike NatsServerDown this also catches a server that never came up, but it cannot name it.",
      action:
        "Compare nats --context system server list with the expected node count (Surveyor's --count follows the cluster's node count). Start the missing server, or check its routes.",
    },
    {
      alert: "NatsSurveyorDisconnected",
      expr: "nats_up == 0",
      for: "2m",
      severity: "critical",
      summary: "Surveyor cannot reach the NATS cluster",
      description:
        "Surveyor is running but not connected to any NATS server, so it serves no NATS metrics and every other NATS alert is blind. Either the whole cluster is down or Surveyor's system-account login is refused.",
      action:
        "docker logs nats-surveyor for authorization or connection errors; check that the NATS containers run. A changed system password needs Surveyor to be redeployed with it.",
    },
    {
      alert: "NatsSurveyorNotScraped",
      expr: `up{job="${SCRAPE_JOBS.surveyor}"} == 0`,
      for: "5m",
      severity: "critical",
      summary: "Prometheus cannot scrape Surveyor at {{ $labels.instance }}",
      description:
        "Prometheus's scrapes of Surveyor fail. Surveyor is the source of every NATS server and JetStream metric, so the cluster is unobserved until this is fixed. (up tells whether Surveyor is scraped, not whether a NATS server is up.)",
      action:
        "docker ps -a and docker logs nats-surveyor; restart the container. Check the Prometheus targets page (Status > Targets) for the error.",
    },
    {
      alert: "NatsExporterNotScraped",
      expr: `up{job="${SCRAPE_JOBS.exporter}"} == 0`,
      for: "5m",
      severity: "warning",
      summary: "Prometheus cannot scrape prometheus-nats-exporter at {{ $labels.instance }}",
      description:
        "Prometheus's scrapes of prometheus-nats-exporter fail: the per-server varz, connz, routez, subz, healthz and jsz series stop, and NatsServerUnhealthy cannot fire.",
      action: "docker ps -a and docker logs nats-exporter; restart the container. Check the Prometheus targets page for the error.",
    },
    {
      alert: "NatsServerUnhealthy",
      expr: "gnatsd_healthz_status == 1",
      for: "5m",
      severity: "warning",
      summary: "NATS server {{ $labels.server_id }} reports itself unhealthy",
      description:
        "The server's /healthz endpoint answers with an error (the exporter's server_id label is the server name). With JetStream this usually means the server cannot reach the meta leader or its streams and consumers are not current.",
      action:
        "curl the server's monitoring port /healthz from a container on the network (or docker exec) to read the error; check its logs for [ERR] and [WRN] lines about JetStream or routes.",
    },
    {
      alert: "NatsRouteMissing",
      // Counts distinct peers per server, not route connections: nats-server
      // 2.10+ pools several routes per peer (a 3-node cluster shows 8), so
      // nats_core_route_count stays above N-1 even with a peer missing.
      expr: `(
  count by (server_cluster, server_name) (
    group by (server_cluster, server_name, server_route_name) (nats_core_route_pending_bytes)
  )
  or on (server_cluster, server_name)
  0 * group by (server_cluster, server_name) (nats_core_info)
)
< scalar(max(nats_survey_expected_count)) - 1`,
      for: "5m",
      severity: "warning",
      summary: "NATS server {{ $labels.server_name }} reaches only {{ $value }} peer(s) over routes",
      description:
        "In a full mesh every server has routes to the N-1 others; {{ $labels.server_name }} has fewer. Messages published on it do not reach subscribers on the missing peers, and JetStream replication to them stops.",
      action: `nats --context system server request routes (from nats-box) lists each server's routes, and the server's logs ([ERR] lines about routes) say why one failed; check the cluster port ${CONTAINER_PORTS.natsCluster} between the containers and the route URLs in nats-server.conf.`,
    },
  ],
};

/** Client-facing load and behaviour. */
const clients: AlertRuleGroup = {
  name: "nats-clients",
  rules: [
    {
      alert: "NatsTooManyConnections",
      expr: `nats_core_connection_count > ${THRESHOLDS.connectionsPerServer}`,
      for: "10m",
      severity: "warning",
      summary: "NATS server {{ $labels.server_name }} has {{ $value }} client connections",
      description: `More than ${THRESHOLDS.connectionsPerServer} clients are connected to {{ $labels.server_name }}. The guide's advice: spread the load before one server becomes the bottleneck.`,
      action:
        "Give clients every server URL so they spread across the cluster (and randomize), look for clients that leak connections with nats --context system server report connections, or add servers.",
    },
    {
      alert: "NatsSlowConsumers",
      // The count is cumulative since the server started (Surveyor serves it as
      // a gauge); increase() handles the reset at a restart.
      expr: "increase(nats_core_slow_consumer_count[10m]) > 0",
      for: "1m",
      severity: "warning",
      summary: "NATS server {{ $labels.server_name }} disconnected slow consumers",
      description:
        "In the last 10 minutes {{ $labels.server_name }} disconnected clients that did not read their messages fast enough. Those clients lost the messages that were pending for them.",
      action:
        "The server log names the client ([WRN] ... Slow Consumer Detected); make it process faster, add queue-group members, or raise its pending limits. Consider a JetStream consumer for data that must not be lost.",
    },
  ],
};

/** JetStream: resources, the meta group, the API, consumers and advisories. */
const jetstream: AlertRuleGroup = {
  name: "nats-jetstream",
  rules: [
    {
      alert: "NatsJetStreamDisabled",
      expr: "nats_core_jetstream_enabled == 0",
      for: "5m",
      severity: "warning",
      summary: "JetStream is disabled on NATS server {{ $labels.server_name }}",
      description:
        "{{ $labels.server_name }} runs without JetStream, so it holds no stream replicas and does not vote in the meta group. In this stack every server should run JetStream; a server that disables it at start-up usually could not use its store directory.",
      action:
        "docker logs for the server: look for JetStream errors at start-up (store directory permissions, a full disk, memory limits); nats account info from nats-box.",
    },
    {
      alert: "NatsJetStreamMemoryHigh",
      expr: `nats_core_jetstream_memstore_used_bytes / (nats_core_jetstream_memstore_size_bytes > 0) > ${THRESHOLDS.jetStreamMemoryRatio}`,
      for: "10m",
      severity: "warning",
      summary: "JetStream memory on {{ $labels.server_name }} is at {{ $value | humanizePercentage }} of its limit",
      description:
        "Memory-backed streams on {{ $labels.server_name }} use more than 80% of max_memory_store. At the limit, publishes to memory streams fail with an insufficient-resources error.",
      action:
        "nats --context system server report jetstream shows the use per server; set limits (max_bytes, max_age) on memory streams, move large ones to file storage, or raise the maxMemoryStore prop (below the container's memory limit).",
    },
    {
      alert: "NatsJetStreamStorageHigh",
      expr: `nats_core_jetstream_filestore_used_bytes / (nats_core_jetstream_filestore_size_bytes > 0) > ${THRESHOLDS.jetStreamStorageRatio}`,
      for: "15m",
      severity: "warning",
      summary: "JetStream storage on {{ $labels.server_name }} is at {{ $value | humanizePercentage }} of its limit",
      description: "File-backed streams on {{ $labels.server_name }} use more than 80% of max_file_store.",
      action:
        "nats stream report shows the largest streams; set retention limits (max_bytes, max_age, discard policy), purge what is no longer needed, or raise the maxFileStore prop (and the disk behind the volume).",
    },
    {
      alert: "NatsJetStreamStorageFull",
      expr: `nats_core_jetstream_filestore_used_bytes / (nats_core_jetstream_filestore_size_bytes > 0) > ${THRESHOLDS.jetStreamStorageCriticalRatio}`,
      for: "5m",
      severity: "critical",
      summary: "JetStream storage on {{ $labels.server_name }} is at {{ $value | humanizePercentage }} of its limit",
      description:
        "File-backed streams on {{ $labels.server_name }} use more than 95% of max_file_store; publishes that need more space will soon fail with an insufficient-storage error.",
      action:
        "Act now: purge or limit the largest streams (nats stream report), or raise maxFileStore; then follow NatsJetStreamStorageHigh.",
    },
    {
      alert: "NatsJetStreamMetaLeaderMissing",
      expr: "sum by (cluster_name) (nats_core_jetstream_cluster_raft_group_leader) == 0",
      for: "2m",
      severity: "critical",
      summary: "JetStream cluster {{ $labels.cluster_name }} has no meta leader",
      description:
        "No server of {{ $labels.cluster_name }} leads the JetStream meta group, so streams and consumers cannot be created, changed or deleted. This happens when fewer than a quorum (a majority) of the servers run.",
      action:
        "Bring servers back until a majority runs (2 of 3, 3 of 5); nats --context system server report jetstream shows the meta group. Do not remove peers while the cluster is leaderless.",
    },
    {
      alert: "NatsJetStreamMetaPeerOffline",
      expr: "nats_core_jetstream_cluster_raft_group_replica_peer_offline == 1",
      for: "2m",
      severity: "warning",
      summary: "JetStream meta peer {{ $labels.peer }} is offline",
      description:
        "The meta leader {{ $labels.server_name }} reports {{ $labels.peer }} offline. The meta group still has its quorum, but it tolerates one failure less.",
      action:
        "Find out why {{ $labels.peer }} is gone (container, logs). A peer that is gone for good is removed with nats --context system server raft peer-remove.",
    },
    {
      alert: "NatsJetStreamMetaPeerLagging",
      expr: `nats_core_jetstream_cluster_raft_group_replica_peer_current == 0
unless on (cluster_name, peer)
nats_core_jetstream_cluster_raft_group_replica_peer_offline == 1`,
      for: "5m",
      severity: "warning",
      summary: "JetStream meta peer {{ $labels.peer }} is not current",
      description:
        "{{ $labels.peer }} is online but behind the meta leader {{ $labels.server_name }}: it has not applied the latest meta-group entries, so it would not be a safe leader and its view of streams and consumers is stale.",
      action:
        "Check the peer's CPU, memory and disk (docker stats) and its logs for Raft warnings; nats --context system server report jetstream shows the lag. It usually catches up by itself after a restart of the peer.",
    },
    {
      alert: "NatsJetStreamApiErrors",
      expr: `increase(nats_core_jetstream_api_errors[10m]) > ${THRESHOLDS.jetStreamApiErrorsPer10m}`,
      for: "10m",
      severity: "warning",
      summary: "JetStream API errors keep increasing on {{ $labels.server_name }}",
      description: `{{ $labels.server_name }} answered more than ${THRESHOLDS.jetStreamApiErrorsPer10m} JetStream API requests with an error in 10 minutes, for 10 minutes. A few errors are normal (a client looking up a stream that does not exist); a steady stream means a client or the cluster is failing.`,
      action:
        "The server log shows the failing requests at debug level; common causes are clients creating consumers that exist with another configuration, insufficient resources, or no meta leader.",
    },
    {
      alert: "NatsConsumerBacklogHigh",
      // num_pending is computed on the consumer leader and 0 on replicas, so
      // max() is right with or without --jsz-leaders-only.
      expr: `max by (cluster_name, account, stream, consumer_name) (nats_consumer_num_pending) > ${THRESHOLDS.consumerPendingMessages}`,
      for: "10m",
      severity: "warning",
      summary: "Consumer {{ $labels.consumer_name }} of stream {{ $labels.stream }} has {{ $value }} messages waiting",
      description: `More than ${THRESHOLDS.consumerPendingMessages} messages of {{ $labels.stream }} have not been delivered to consumer {{ $labels.consumer_name }} for 10 minutes: its subscribers are slower than the publishers, stuck, or gone.`,
      action:
        "nats consumer info {{ $labels.stream }} {{ $labels.consumer_name }} shows pending, ack pending and redeliveries; scale out or fix the subscribers, or delete the consumer if nobody uses it.",
    },
    {
      alert: "NatsConsumerMaxDeliveriesExceeded",
      expr: counterIncreased("nats_jetstream_delivery_exceeded_count", "10m"),
      for: "1m",
      severity: "warning",
      summary: "Consumer {{ $labels.consumer }} of stream {{ $labels.stream }} gave up on messages",
      description:
        "Messages of {{ $labels.stream }} reached the max_deliver limit of consumer {{ $labels.consumer }}: the server stops delivering them, so they are not processed. Surveyor counts this from the MAX_DELIVERIES advisory of account {{ $labels.account }}.",
      action:
        "Find why the subscriber keeps failing on these messages (its logs); the advisory ($JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES) carries the stream sequence, so the message can be read with nats stream get and replayed once fixed.",
    },
    {
      alert: "NatsJetStreamQuorumLost",
      expr: `${counterIncreased("nats_jetstream_stream_quorum_lost", "10m")}
or
${counterIncreased("nats_jetstream_consumer_quorum_lost", "10m")}`,
      for: "1m",
      severity: "critical",
      summary: "A Raft group of stream {{ $labels.stream }} lost its quorum",
      description:
        "The stream {{ $labels.stream }} of account {{ $labels.account }}, or one of its consumers, lost the majority of its replicas: it stops accepting writes (or acknowledgements) until enough replicas return.",
      action:
        "nats stream info {{ $labels.stream }} shows the replicas and which are offline; bring their servers back. Check NatsServerDown and NatsRouteMissing first.",
    },
  ],
};

/** Every alert rule of the project, in the order they are rendered. */
export const NATS_ALERT_GROUPS: readonly AlertRuleGroup[] = [availability, clients, jetstream];

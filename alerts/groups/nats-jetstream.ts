import { counterIncreased } from "../promql.js";
import type { AlertRuleGroup } from "../rule-types.js";
import { percent, type RuleContext } from "./context.js";

/** How far back the filling-up predictions look: long for the day-ahead warning, short for the page. */
export const FILLING_UP_LOOKBACK = { warning: "6h", critical: "1h" } as const;
/** A store is only predicted full once it is this full, so a young store's first burst does not alarm. */
export const FILLING_UP_MIN_RATIO = { warning: 0.4, critical: 0.6 } as const;
/** How long a consumer may make no progress before it counts as stalled, in the rule's range. */
export const CONSUMER_PROGRESS_WINDOW = "15m";

const CONSUMER = "cluster_name, account, stream, consumer_name";

/** JetStream: resources, the meta group, the API, consumers and advisories. */
export function jetstreamGroup(c: RuleContext): AlertRuleGroup {
  const { surveyor: s, t } = c;
  const fileRatio = `${s("nats_core_jetstream_filestore_used_bytes")} / (${s("nats_core_jetstream_filestore_size_bytes")} > 0)`;
  const fillingUp = (level: "warning" | "critical", hours: number) => `(
  predict_linear(${s("nats_core_jetstream_filestore_used_bytes")}[${FILLING_UP_LOOKBACK[level]}], ${hours} * 3600)
  > (${s("nats_core_jetstream_filestore_size_bytes")} > 0)
)
and
${fileRatio} > ${FILLING_UP_MIN_RATIO[level]}`;
  return {
    name: "nats-jetstream",
    rules: [
      {
        alert: "NatsJetStreamDisabled",
        expr: `${s("nats_core_jetstream_enabled")} == 0`,
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
        expr: `${s("nats_core_jetstream_memstore_used_bytes")} / (${s("nats_core_jetstream_memstore_size_bytes")} > 0) > ${t.jetStreamMemoryRatio}`,
        for: "10m",
        severity: "warning",
        summary: "JetStream memory on {{ $labels.server_name }} is at {{ $value | humanizePercentage }} of its limit",
        description: `Memory-backed streams on {{ $labels.server_name }} use more than ${percent(t.jetStreamMemoryRatio)} of max_memory_store. At the limit, publishes to memory streams fail with an insufficient-resources error.`,
        action:
          "nats --context system server report jetstream shows the use per server; set limits (max_bytes, max_age) on memory streams, move large ones to file storage, or raise the maxMemoryStore prop (below the container's memory limit).",
      },
      {
        alert: "NatsJetStreamStorageHigh",
        expr: `${fileRatio} > ${t.jetStreamStorageRatio}`,
        for: "15m",
        severity: "warning",
        summary: "JetStream storage on {{ $labels.server_name }} is at {{ $value | humanizePercentage }} of its limit",
        description: `File-backed streams on {{ $labels.server_name }} use more than ${percent(t.jetStreamStorageRatio)} of max_file_store.`,
        action:
          "nats stream report shows the largest streams; set retention limits (max_bytes, max_age, discard policy), purge what is no longer needed, or raise the maxFileStore prop (and the disk behind the volume).",
      },
      {
        alert: "NatsJetStreamStorageFull",
        expr: `${fileRatio} > ${t.jetStreamStorageCriticalRatio}`,
        for: "5m",
        severity: "critical",
        summary: "JetStream storage on {{ $labels.server_name }} is at {{ $value | humanizePercentage }} of its limit",
        description: `File-backed streams on {{ $labels.server_name }} use more than ${percent(t.jetStreamStorageCriticalRatio)} of max_file_store; publishes that need more space will soon fail with an insufficient-storage error.`,
        action:
          "Act now: purge or limit the largest streams (nats stream report), or raise maxFileStore; then follow NatsJetStreamStorageHigh.",
      },
      {
        alert: "NatsJetStreamStorageFillingUp",
        expr: fillingUp("warning", t.fillingUpHours),
        for: "1h",
        severity: "warning",
        summary: `JetStream storage on {{ $labels.server_name }} will be full within ${t.fillingUpHours} hours`,
        description: `At the rate of the last ${FILLING_UP_LOOKBACK.warning}, the file store of {{ $labels.server_name }} (already more than ${percent(FILLING_UP_MIN_RATIO.warning)} used) reaches max_file_store within ${t.fillingUpHours} hours; then publishes fail with an insufficient-storage error.`,
        action:
          "nats stream report shows which streams grow; give them limits (max_bytes, max_age) or a discard policy, or raise maxFileStore before the store is full.",
      },
      {
        alert: "NatsJetStreamStorageFillingUpFast",
        expr: fillingUp("critical", t.fillingUpCriticalHours),
        for: "15m",
        severity: "critical",
        summary: `JetStream storage on {{ $labels.server_name }} will be full within ${t.fillingUpCriticalHours} hours`,
        description: `At the rate of the last ${FILLING_UP_LOOKBACK.critical}, the file store of {{ $labels.server_name }} (already more than ${percent(FILLING_UP_MIN_RATIO.critical)} used) reaches max_file_store within ${t.fillingUpCriticalHours} hours.`,
        action:
          "Act now: find the stream that grows (nats stream report), stop or limit its publisher, purge it, or raise maxFileStore; then follow NatsJetStreamStorageFillingUp.",
      },
      {
        alert: "NatsJetStreamMetaLeaderMissing",
        expr: `sum by (cluster_name) (${s("nats_core_jetstream_cluster_raft_group_leader")}) == 0`,
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
        expr: `${s("nats_core_jetstream_cluster_raft_group_replica_peer_offline")} == 1`,
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
        expr: `${s("nats_core_jetstream_cluster_raft_group_replica_peer_current")} == 0
unless on (cluster_name, peer)
${s("nats_core_jetstream_cluster_raft_group_replica_peer_offline")} == 1`,
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
        expr: `increase(${s("nats_core_jetstream_api_errors")}[10m]) > ${t.jetStreamApiErrorsPer10m}`,
        for: "10m",
        severity: "warning",
        summary: "JetStream API errors keep increasing on {{ $labels.server_name }}",
        description: `{{ $labels.server_name }} answered more than ${t.jetStreamApiErrorsPer10m} JetStream API requests with an error in 10 minutes, for 10 minutes. A few errors are normal (a client looking up a stream that does not exist); a steady stream means a client or the cluster is failing.`,
        action:
          "The server log shows the failing requests at debug level; common causes are clients creating consumers that exist with another configuration, insufficient resources, or no meta leader.",
      },
      {
        alert: "NatsJetStreamApiBacklog",
        // Surveyor fills nats_core_jetstream_api_pending from the statsz meta
        // block's `pending` (nats-server: pending_requests + pending_infos, the
        // meta layer's API queues), so this is the meta and API backlog in one.
        expr: `${s("nats_core_jetstream_api_pending")} > ${t.jetStreamApiPending}`,
        for: "5m",
        severity: "warning",
        summary: "{{ $value }} JetStream API requests wait on {{ $labels.server_name }}",
        description: `More than ${t.jetStreamApiPending} JetStream API requests (stream and consumer info, create, delete: the meta layer's pending requests and infos) have queued on {{ $labels.server_name }} for minutes. nats-server drops queued API requests at its request_queue_limit (10000 by default), and clients then time out.`,
        action:
          "Look for clients that flood the API (consumer info in a loop, creating consumers per message): the JetStream API audit advisories or nats --context system server report jetstream; check that the meta leader is not overloaded (CPU, disk).",
      },
      {
        alert: "NatsJetStreamApiBacklogCritical",
        expr: `${s("nats_core_jetstream_api_pending")} > ${t.jetStreamApiPendingCritical}`,
        for: "2m",
        severity: "critical",
        summary: "{{ $value }} JetStream API requests wait on {{ $labels.server_name }}",
        description: `More than ${t.jetStreamApiPendingCritical} JetStream API requests wait on {{ $labels.server_name }}: the queue is close to nats-server's request_queue_limit, where it starts dropping requests, so stream and consumer operations fail.`,
        action: "Act now: stop the client that floods the API (see NatsJetStreamApiBacklog), then check the meta leader's health.",
      },
      {
        alert: "NatsConsumerBacklogHigh",
        // num_pending is computed on the consumer leader and 0 on replicas, so
        // max() is right with or without --jsz-leaders-only.
        expr: `max by (${CONSUMER}) (${s("nats_consumer_num_pending")}) > ${t.consumerPendingMessages}`,
        for: "10m",
        severity: "warning",
        summary: "Consumer {{ $labels.consumer_name }} of stream {{ $labels.stream }} has {{ $value }} messages waiting",
        description: `More than ${t.consumerPendingMessages} messages of {{ $labels.stream }} have not been delivered to consumer {{ $labels.consumer_name }} for 10 minutes: its subscribers are slower than the publishers, stuck, or gone.`,
        action:
          "nats consumer info {{ $labels.stream }} {{ $labels.consumer_name }} shows pending, ack pending and redeliveries; scale out or fix the subscribers, or delete the consumer if nobody uses it.",
      },
      {
        alert: "NatsConsumerStalled",
        // The delivered sequence is the consumer's progress; replicas and the
        // leader report it alike, so any change on any of them counts.
        expr: `max by (${CONSUMER}) (${s("nats_consumer_num_pending")}) > 0
unless on (${CONSUMER})
max by (${CONSUMER}) (changes(${s("nats_consumer_delivered_stream_seq")}[${CONSUMER_PROGRESS_WINDOW}])) > 0`,
        for: "15m",
        severity: "warning",
        summary: "Consumer {{ $labels.consumer_name }} of stream {{ $labels.stream }} delivers nothing while {{ $value }} messages wait",
        description: `Messages of {{ $labels.stream }} wait for consumer {{ $labels.consumer_name }}, but it has delivered none in the last ${CONSUMER_PROGRESS_WINDOW}: no subscriber is bound to it (push) or fetching from it (pull), or every delivery is blocked by max_ack_pending.`,
        action:
          "nats consumer info {{ $labels.stream }} {{ $labels.consumer_name }}: look at the waiting pulls, the ack pending count against max_ack_pending, and whether a push consumer has an active subscription; restart or fix the application that consumes it, or delete the consumer if nobody uses it.",
      },
      {
        alert: "NatsConsumerAckStalled",
        expr: `max by (${CONSUMER}) (${s("nats_consumer_num_ack_pending")}) > 0
unless on (${CONSUMER})
max by (${CONSUMER}) (changes(${s("nats_consumer_ack_floor_stream_seq")}[${CONSUMER_PROGRESS_WINDOW}])) > 0`,
        for: "15m",
        severity: "warning",
        summary:
          "Consumer {{ $labels.consumer_name }} of stream {{ $labels.stream }} has {{ $value }} unacknowledged messages and no acknowledgement progress",
        description: `{{ $labels.consumer_name }} delivered messages of {{ $labels.stream }} that are still not acknowledged, and its acknowledgement floor has not moved in ${CONSUMER_PROGRESS_WINDOW}: the subscribers receive but do not acknowledge (crashing, hanging, or not calling ack), so the messages are redelivered after ack_wait.`,
        action:
          "nats consumer info {{ $labels.stream }} {{ $labels.consumer_name }} shows the ack floor and redeliveries; check the subscribers' logs for errors on these messages, and that they acknowledge explicitly when the consumer's ack policy is explicit.",
      },
      {
        alert: "NatsConsumerMaxDeliveriesExceeded",
        expr: counterIncreased(s("nats_jetstream_delivery_exceeded_count"), "10m"),
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
        expr: `${counterIncreased(s("nats_jetstream_stream_quorum_lost"), "10m")}
or
${counterIncreased(s("nats_jetstream_consumer_quorum_lost"), "10m")}`,
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
}

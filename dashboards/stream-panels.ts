/**
 * The "Streams and consumers" row of the cluster dashboard: per-stream size
 * and per-consumer backlog from Surveyor's `--jsz` series, filtered by the
 * account, stream and consumer variables. Every series of these metrics is
 * one stream or one consumer (one per replica without `--jsz-leaders-only`),
 * so docs/series-count.md says what they cost.
 */
import { BytesIEC, Short } from "@grafana/grafana-foundation-sdk/units";
import { type DashboardSection, promQuery, queryVariable, timeseriesPanel } from "./common.js";
import { DASHBOARD_VARIABLES, type MetricFilterName, metricSelector } from "./selectors.js";

// With --jsz-leaders-only one server reports each stream and consumer; without
// it every replica does. Neither is a reason to filter by server: the server
// filter would hide the streams that another server leads. So these panels
// filter by cluster, account, stream and consumer only, and take the largest
// value per stream or consumer: num_pending is 0 off the consumer leader, the
// other values agree on every replica.
const STREAM_FILTERS: readonly MetricFilterName[] = ["cluster", "account", "stream"];
const CONSUMER_FILTERS: readonly MetricFilterName[] = [...STREAM_FILTERS, "consumer"];
const STREAM = "account, stream";
const CONSUMER = "account, stream, consumer_name";

const perStream = (name: string) => `max by (${STREAM}) (${metricSelector(name, { filters: STREAM_FILTERS })})`;
const perConsumer = (name: string) => `max by (${CONSUMER}) (${metricSelector(name, { filters: CONSUMER_FILTERS })})`;

/**
 * The account, stream and consumer variables, in that order: each lists the
 * values of the one before's selection. They read `nats_stream_total_messages`
 * and `nats_consumer_num_ack_pending`, which every `jszFilter` keeps.
 */
export function streamVariables() {
  return [
    queryVariable({
      name: DASHBOARD_VARIABLES.account,
      label: "Account",
      type: "prometheus",
      query: `label_values(${metricSelector("nats_stream_total_messages", { filters: ["cluster"] })}, account)`,
      includeAll: true,
      description: "The NATS accounts that hold streams (APP by default). Filters the Streams and consumers row only.",
    }),
    queryVariable({
      name: DASHBOARD_VARIABLES.stream,
      label: "Stream",
      type: "prometheus",
      query: `label_values(${metricSelector("nats_stream_total_messages", { filters: ["cluster", "account"] })}, stream)`,
      includeAll: true,
      description: "The streams of the selected accounts. Filters the Streams and consumers row only.",
    }),
    queryVariable({
      name: DASHBOARD_VARIABLES.consumer,
      label: "Consumer",
      type: "prometheus",
      query: `label_values(${metricSelector("nats_consumer_num_ack_pending", { filters: ["cluster", "account", "stream"] })}, consumer_name)`,
      includeAll: true,
      description: "The consumers of the selected streams. Filters the consumer panels of the Streams and consumers row only.",
    }),
  ];
}

/** The row, as a section for `layOut`. */
export function streamsSection(): DashboardSection {
  return {
    title: "Streams and consumers",
    panels: [
      { panel: streamBytes(), width: 12, height: 8 },
      { panel: streamMessages(), width: 12, height: 8 },
      { panel: consumerPending(), width: 8, height: 8 },
      { panel: consumerAckPending(), width: 8, height: 8 },
      { panel: consumerRedelivered(), width: 8, height: 8 },
    ],
  };
}

function streamBytes() {
  return timeseriesPanel({
    title: "Stream size",
    description:
      "Bytes stored in each stream (nats_stream_total_bytes), per account and stream. A stream grows until a limit (max_bytes, max_msgs, max_age) removes old messages; one that only grows has no limit, and fills the file store. Needs Surveyor's --jsz all or streams.",
  })
    .withTarget(promQuery(perStream("nats_stream_total_bytes"), { legend: "{{account}} / {{stream}}" }))
    .unit(BytesIEC)
    .min(0);
}

function streamMessages() {
  return timeseriesPanel({
    title: "Stream messages",
    description:
      "Messages stored in each stream (nats_stream_total_messages), per account and stream. Needs Surveyor's --jsz all or streams.",
  })
    .withTarget(promQuery(perStream("nats_stream_total_messages"), { legend: "{{account}} / {{stream}}" }))
    .unit(Short)
    .decimals(0)
    .min(0);
}

function consumerPending() {
  return timeseriesPanel({
    title: "Consumer pending",
    description:
      "Messages of the stream not yet delivered to each consumer (nats_consumer_num_pending). The consumer leader computes it; replicas report 0, hence the largest value per consumer. A rising line means the consumer falls behind its producers. Needs Surveyor's --jsz all or consumers.",
  })
    .withTarget(promQuery(perConsumer("nats_consumer_num_pending"), { legend: "{{stream}} / {{consumer_name}}" }))
    .unit(Short)
    .decimals(0)
    .min(0);
}

function consumerAckPending() {
  return timeseriesPanel({
    title: "Consumer ack pending",
    description:
      "Messages delivered to each consumer and not yet acknowledged (nats_consumer_num_ack_pending). At the consumer's max_ack_pending the server stops delivering: a flat line at that height is a stalled consumer. Needs Surveyor's --jsz all or consumers.",
  })
    .withTarget(promQuery(perConsumer("nats_consumer_num_ack_pending"), { legend: "{{stream}} / {{consumer_name}}" }))
    .unit(Short)
    .decimals(0)
    .min(0);
}

function consumerRedelivered() {
  return timeseriesPanel({
    title: "Consumer redelivered",
    description:
      "Outstanding messages that each consumer got more than once (nats_consumer_num_redelivered): a gauge of what is pending now, not a count of redeliveries. Above 0 for long, subscribers fail or time out (ack_wait) on some messages. Needs Surveyor's --jsz all or consumers.",
  })
    .withTarget(promQuery(perConsumer("nats_consumer_num_redelivered"), { legend: "{{stream}} / {{consumer_name}}" }))
    .unit(Short)
    .decimals(0)
    .min(0);
}

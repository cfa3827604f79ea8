/**
 * "NATS JetStream Cluster": the guide's first dashboard, rebuilt on the
 * metrics NATS Surveyor really exports (the guide's showed no data), plus
 * the panels an operator of a JetStream cluster looks at first.
 */
import {
  BigValueColorMode,
  BigValueTextMode,
  GraphDrawStyle,
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  GraphTransform,
  VisibilityMode,
} from "@grafana/grafana-foundation-sdk/common";
import { MappingType, type ValueMapping } from "@grafana/grafana-foundation-sdk/dashboard";
import { PanelBuilder as StateTimelinePanelBuilder } from "@grafana/grafana-foundation-sdk/statetimeline";
import { PanelBuilder as TablePanelBuilder } from "@grafana/grafana-foundation-sdk/table";
import { BytesIEC, MessagesPerSecond, Percent, RequestsPerSecond, Short } from "@grafana/grafana-foundation-sdk/units";
import { DASHBOARD_UIDS } from "../contract/index.js";
import {
  barGaugePanel,
  type DashboardDataSource,
  type DashboardJson,
  dataSourceRef,
  dataSourceVariable,
  layOut,
  newDashboard,
  promQuery,
  queryVariable,
  statPanel,
  thresholdSteps,
  timeseriesPanel,
} from "./common.js";
import { containersSection } from "./container-panels.js";
import { hostSection } from "./host-panels.js";
import { hostsSection, hostVariable } from "./multi-host-panels.js";
import { DASHBOARD_VARIABLES, metricSelector } from "./selectors.js";
import { streamsSection, streamVariables } from "./stream-panels.js";

/** The dashboard's uid: stable, `natsmon check` looks for it. */
export const NATS_JETSTREAM_CLUSTER_UID = DASHBOARD_UIDS.natsJetStreamCluster;

/** Counter windows: Grafana's `$__rate_interval` holds at least four scrapes. */
const RATE = "$__rate_interval";

/** Options of {@link natsJetStreamClusterDashboard}. */
export interface ClusterDashboardOptions {
  /**
   * The stack runs on several Docker hosts, whose agents carry a `host`
   * label: a host variable, a Hosts row and a Host row per host.
   * @default false
   */
  readonly multiHost?: boolean;
}

/** Builds the "NATS JetStream Cluster" dashboard for a Prometheus data source. */
export function natsJetStreamClusterDashboard(prometheus: DashboardDataSource, options: ClusterDashboardOptions = {}): DashboardJson {
  const multiHost = options.multiHost ?? false;
  const dashboard = newDashboard({
    uid: NATS_JETSTREAM_CLUSTER_UID,
    title: "NATS JetStream Cluster",
    description:
      "Health, capacity and traffic of a NATS JetStream cluster, from NATS Surveyor. Stream and consumer panels need Surveyor's --jsz (or --accounts) flag; the account, stream and consumer filters apply to the Streams and consumers row.",
    refresh: "30s",
    tags: ["jetstream"],
  })
    .withVariable(dataSourceVariable("prometheus", prometheus))
    .withVariable(
      queryVariable({
        name: DASHBOARD_VARIABLES.cluster,
        label: "Cluster",
        type: "prometheus",
        query: `label_values(nats_core_info, server_cluster)`,
        includeAll: true,
        description: "The NATS cluster (cluster.name); a single server without a cluster block has none, which All still matches.",
      }),
    )
    .withVariable(
      queryVariable({
        name: DASHBOARD_VARIABLES.server,
        label: "Server",
        type: "prometheus",
        query: `label_values(${metricSelector("nats_core_info", { filters: ["cluster"] })}, server_name)`,
        includeAll: true,
        description: "The servers (server_name) of the selected cluster.",
      }),
    );
  for (const variable of streamVariables()) dashboard.withVariable(variable);
  if (multiHost) dashboard.withVariable(hostVariable());

  return layOut(dashboard, [
    {
      title: "Overview",
      panels: [
        { panel: jetStreamStatus(), width: 8, height: 5 },
        { panel: metaLeader(), width: 4, height: 5 },
        { panel: serversAnswering(), width: 4, height: 5 },
        { panel: streamCount(), width: 4, height: 5 },
        { panel: consumerCount(), width: 4, height: 5 },
      ],
    },
    {
      title: "Cluster health",
      panels: [
        { panel: metaPeerStatus(), width: 12, height: 8 },
        { panel: serverVersions(), width: 12, height: 8 },
        { panel: routes(), width: 8, height: 8 },
        { panel: slowConsumers(), width: 8, height: 8 },
        { panel: apiErrors(), width: 8, height: 8 },
      ],
    },
    {
      title: "JetStream resources",
      panels: [
        { panel: storeUse("memory"), width: 12, height: 8 },
        { panel: storeUse("file"), width: 12, height: 8 },
        { panel: useOfLimits(), width: 12, height: 8 },
        { panel: streamSpread(), width: 12, height: 8 },
      ],
    },
    {
      title: "Clients and traffic",
      panels: [
        { panel: connections(), width: 12, height: 8 },
        { panel: messageThroughput(), width: 12, height: 8 },
        { panel: consumerBacklog(), width: 24, height: 9 },
      ],
    },
    streamsSection(),
    ...(multiHost ? [hostsSection()] : []),
    hostSection({ multiHost }),
    containersSection(),
  ]).build();
}

function valueText(value: number, text: string, color: string): ValueMapping {
  return { type: MappingType.ValueToText, options: { [String(value)]: { text, color } } };
}

/** Guide panel 1: is JetStream enabled on each server? */
function jetStreamStatus() {
  return statPanel({
    title: "JetStream status",
    description: "Whether JetStream is enabled on each server (nats_core_jetstream_enabled). A server without it stores no stream data.",
  })
    .withTarget(
      promQuery(`max by (server_name) (${metricSelector("nats_core_jetstream_enabled")})`, { legend: "{{server_name}}", instant: true }),
    )
    .mappings([valueText(1, "Enabled", "green"), valueText(0, "Disabled", "red")])
    .thresholds(thresholdSteps("red", [1, "green"]));
}

function metaLeader() {
  return statPanel({
    title: "Meta leader",
    description:
      "The server that leads the JetStream meta group, which assigns streams and consumers to servers. No value means no leader: the cluster has lost its quorum and accepts no changes to streams. Cluster-wide: the server filter does not apply.",
  })
    .withTarget(
      promQuery(
        `max by (server_name) (${metricSelector("nats_core_jetstream_cluster_raft_group_leader", { filters: ["cluster"] })}) == 1`,
        { legend: "{{server_name}}", instant: true },
      ),
    )
    .textMode(BigValueTextMode.Name)
    .colorMode(BigValueColorMode.Value)
    .noValue("No leader")
    .thresholds(thresholdSteps("green"));
}

function serversAnswering() {
  return statPanel({
    title: "Servers answering",
    description:
      "Servers that answered Surveyor's last survey, and how many it expects. Fewer answering than expected means a server is down or cut off: the guide's up{job=\"nats-surveyor\"} only said whether Surveyor itself was up.",
  })
    .withTarget(promQuery(`max(${metricSelector("nats_survey_surveyed_count")})`, { legend: "answering", instant: true }))
    .withTarget(promQuery(`max(${metricSelector("nats_survey_expected_count")})`, { refId: "B", legend: "expected", instant: true }))
    .colorMode(BigValueColorMode.None)
    .decimals(0);
}

/** Guide panel 2, part one: the number of streams. */
function streamCount() {
  return statPanel({
    title: "Streams",
    description:
      "Streams in the cluster: every stream has one leader, so this sums the stream leaders of all servers (the server filter does not apply). Needs Surveyor's --jsz or --accounts.",
  })
    .withTarget(
      promQuery(`sum(${metricSelector("nats_core_jetstream_server_total_stream_leaders", { filters: ["cluster"] })})`, {
        legend: "streams",
        instant: true,
      }),
    )
    .textMode(BigValueTextMode.Value)
    .colorMode(BigValueColorMode.None)
    .decimals(0);
}

function consumerCount() {
  return statPanel({
    title: "Consumers",
    description:
      "Consumers in the cluster: the sum of consumer leaders of all servers (the server filter does not apply). Needs Surveyor's --jsz or --accounts.",
  })
    .withTarget(
      promQuery(`sum(${metricSelector("nats_core_jetstream_server_total_consumer_leaders", { filters: ["cluster"] })})`, {
        legend: "consumers",
        instant: true,
      }),
    )
    .textMode(BigValueTextMode.Value)
    .colorMode(BigValueColorMode.None)
    .decimals(0);
}

function metaPeerStatus() {
  // 0 current, 1 catching up, 2 offline (3: offline and behind).
  const offline = metricSelector("nats_core_jetstream_cluster_raft_group_replica_peer_offline", { filters: ["cluster"] });
  const current = metricSelector("nats_core_jetstream_cluster_raft_group_replica_peer_current", { filters: ["cluster"] });
  return new StateTimelinePanelBuilder()
    .title("Meta peer status")
    .description(
      "Each follower of the JetStream meta group as its leader sees it: current, catching up (behind the leader's log), or offline. The leader reports these, so the server filter does not apply here.",
    )
    .datasource(dataSourceRef("prometheus"))
    .withTarget(promQuery(`2 * max by (peer) (${offline}) + (1 - max by (peer) (${current}))`, { legend: "{{peer}}" }))
    .mappings([
      valueText(0, "Current", "green"),
      valueText(1, "Catching up", "orange"),
      { type: MappingType.RangeToText, options: { from: 2, to: 3, result: { text: "Offline", color: "red" } } },
    ])
    .showValue(VisibilityMode.Never)
    .mergeValues(true)
    .thresholds(thresholdSteps("green"));
}

function serverVersions() {
  return new TablePanelBuilder()
    .title("Server versions")
    .description("The nats-server version of every server. During a rolling upgrade two versions show; keep the mix short.")
    .datasource(dataSourceRef("prometheus"))
    .withTarget(promQuery(`max by (server_name, server_version) (${metricSelector("nats_core_info")})`, { instant: true, table: true }))
    .withTransformation({
      id: "organize",
      options: {
        excludeByName: { Time: true, Value: true },
        indexByName: { server_name: 0, server_version: 1 },
        renameByName: { server_name: "Server", server_version: "Version" },
      },
    })
    .withTransformation({ id: "sortBy", options: { sort: [{ field: "Server" }] } });
}

function routes() {
  return timeseriesPanel({
    title: "Routes",
    description:
      "Route connections of each server to the rest of the cluster. Every server should hold the same number; a drop means a server lost its link to a peer.",
  })
    .withTarget(promQuery(`sum by (server_name) (${metricSelector("nats_core_route_count")})`, { legend: "{{server_name}}" }))
    .unit(Short)
    .decimals(0)
    .min(0);
}

function slowConsumers() {
  return timeseriesPanel({
    title: "Slow consumers",
    description:
      "Clients that the server disconnected or dropped messages for because they did not read fast enough, per interval. Any bar is worth a look at that client.",
  })
    .withTarget(
      promQuery(`sum by (server_name) (increase(${metricSelector("nats_core_slow_consumer_count")}[${RATE}]))`, {
        legend: "{{server_name}}",
      }),
    )
    .drawStyle(GraphDrawStyle.Bars)
    .fillOpacity(80)
    .unit(Short)
    .min(0);
}

function apiErrors() {
  return timeseriesPanel({
    title: "JetStream API errors",
    description:
      "JetStream API requests that failed, per second: bad stream or consumer requests from clients, or requests the cluster could not serve (no quorum, limits reached).",
  })
    .withTarget(
      promQuery(`sum by (server_name) (rate(${metricSelector("nats_core_jetstream_api_errors")}[${RATE}]))`, { legend: "{{server_name}}" }),
    )
    .unit(RequestsPerSecond)
    .min(0);
}

/** Guide panel 3: JetStream memory and file storage used, against each server's limit. */
function storeUse(store: "memory" | "file") {
  const prefix = store === "memory" ? "nats_core_jetstream_memstore" : "nats_core_jetstream_filestore";
  return timeseriesPanel({
    title: store === "memory" ? "JetStream memory" : "JetStream storage",
    description:
      store === "memory"
        ? "JetStream memory store used per server (solid) and its limit, max_memory_store (dashed). Streams with memory storage stop accepting messages at the limit."
        : "JetStream file store used per server (solid) and its limit, max_file_store (dashed). Streams with file storage stop accepting messages at the limit.",
  })
    .withTarget(promQuery(`sum by (server_name) (${metricSelector(`${prefix}_used_bytes`)})`, { legend: "{{server_name}} used" }))
    .withTarget(
      promQuery(`sum by (server_name) (${metricSelector(`${prefix}_size_bytes`)})`, { refId: "B", legend: "{{server_name}} limit" }),
    )
    .overrideByRegexp(".* limit$", [
      { id: "custom.lineStyle", value: { fill: "dash", dash: [10, 10] } },
      { id: "custom.fillOpacity", value: 0 },
    ])
    .unit(BytesIEC)
    .min(0);
}

function useOfLimits() {
  const ratio = (store: "memstore" | "filestore") =>
    `100 * sum by (server_name) (${metricSelector(`nats_core_jetstream_${store}_used_bytes`)}) / sum by (server_name) (${metricSelector(`nats_core_jetstream_${store}_size_bytes`)} > 0)`;
  return barGaugePanel({
    title: "JetStream use of limits",
    description:
      "Memory and file store used as a share of each server's limit. The guide's advice: above 80% add resources (raise the limit or the server's memory or disk) before writes start to fail.",
  })
    .withTarget(promQuery(ratio("memstore"), { legend: "{{server_name}} memory", instant: true }))
    .withTarget(promQuery(ratio("filestore"), { refId: "B", legend: "{{server_name}} file", instant: true }))
    .unit(Percent)
    .min(0)
    .max(100)
    .thresholds(thresholdSteps("green", [70, "orange"], [80, "red"]));
}

/** Guide panel 2, part two: how the streams spread over the servers. */
function streamSpread() {
  return barGaugePanel({
    title: "Stream replicas per server",
    description:
      "Stream replicas each server holds (an R3 stream counts on three servers). An uneven spread puts more disk and CPU load on some servers. Needs Surveyor's --jsz or --accounts.",
  })
    .withTarget(
      promQuery(`sum by (server_name) (${metricSelector("nats_core_jetstream_server_total_streams")})`, {
        legend: "{{server_name}}",
        instant: true,
      }),
    )
    .unit(Short)
    .decimals(0)
    .min(0)
    .thresholds(thresholdSteps("blue"));
}

/** Guide panel 4: active client connections per server. */
function connections() {
  return timeseriesPanel({
    title: "Connections per server",
    description:
      "Client connections open on each server. The guide's advice: beyond about 1000 on a server, spread clients over more servers (the red line).",
  })
    .withTarget(promQuery(`sum by (server_name) (${metricSelector("nats_core_connection_count")})`, { legend: "{{server_name}}" }))
    .thresholds(thresholdSteps("green", [1000, "red"]))
    .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed))
    .unit(Short)
    .decimals(0)
    .min(0);
}

/** Guide panel 5: messages in and out per second. */
function messageThroughput() {
  return timeseriesPanel({
    title: "Messages in and out",
    description: "Messages each server received (above the axis) and sent (below), per second, counting clients and routes.",
  })
    .withTarget(
      promQuery(`sum by (server_name) (rate(${metricSelector("nats_core_recv_msgs_count")}[${RATE}]))`, { legend: "{{server_name}} in" }),
    )
    .withTarget(
      promQuery(`sum by (server_name) (rate(${metricSelector("nats_core_sent_msgs_count")}[${RATE}]))`, {
        refId: "B",
        legend: "{{server_name}} out",
      }),
    )
    .overrideByRegexp(".* out$", [{ id: "custom.transform", value: GraphTransform.NegativeY }])
    .unit(MessagesPerSecond);
}

function consumerBacklog() {
  const top = (name: string) => `topk(10, max by (stream, consumer_name) (${metricSelector(name, { filters: ["cluster"] })}))`;
  return timeseriesPanel({
    title: "Consumer backlog (top 10)",
    description:
      "Messages waiting for each consumer (pending: not delivered yet) and delivered but not acknowledged (ack pending). A growing backlog means consumers fall behind producers; the guide's advice is to watch it. Needs Surveyor's --jsz. Every replica reports, so this takes the largest value per consumer; the server filter does not apply.",
  })
    .withTarget(promQuery(top("nats_consumer_num_pending"), { legend: "{{stream}} / {{consumer_name}} pending" }))
    .withTarget(promQuery(top("nats_consumer_num_ack_pending"), { refId: "B", legend: "{{stream}} / {{consumer_name}} ack pending" }))
    .overrideByRegexp(".* ack pending$", [{ id: "custom.lineStyle", value: { fill: "dash", dash: [10, 10] } }])
    .unit(Short)
    .min(0);
}

import { CONTAINER_NAMES, CONTAINER_PORTS, DEFAULT_NATS_CLUSTER_NAME, SCRAPE_JOBS } from "../contract/index.js";
import type { AlertTests } from "./rule-types.js";

/**
 * promtool unit-test cases for every alert of nats-rules.ts: each alert has
 * at least one case that fires and one that stays silent, usually the near
 * miss that a wrong expression would get wrong. `npm run alerts` renders them
 * into alerts/generated/<group>.test.yml.
 *
 * Series use promtool's notation: "1x10" is eleven samples of 1, one a
 * minute; "_x5" five missing samples; "0+5x30" a counter growing by 5 a
 * minute. Label values look like what Surveyor and the exporter serve for
 * the default stack.
 */

/** A series selector in promtool's notation. */
function series(metric: string, labels: Readonly<Record<string, string>>): string {
  return `${metric}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`;
}

const SURVEYOR = { job: SCRAPE_JOBS.surveyor, instance: `${CONTAINER_NAMES.surveyor}:${CONTAINER_PORTS.surveyor}` } as const;
const EXPORTER = { job: SCRAPE_JOBS.exporter, instance: `${CONTAINER_NAMES.exporter}:${CONTAINER_PORTS.exporter}` } as const;
const CLUSTER = DEFAULT_NATS_CLUSTER_NAME;

/** Surveyor's labels of a server series. */
const core = (node: number, id = `N${node}AAAA`) => ({
  ...SURVEYOR,
  server_cluster: CLUSTER,
  server_name: `nats-node${node}`,
  server_id: id,
});
/** Surveyor's labels of a JetStream server series. */
const js = (node: number) => ({ ...SURVEYOR, cluster_name: CLUSTER, server_name: `nats-node${node}`, server_id: `N${node}AAAA` });
const info = (node: number, values: string, id?: string) => ({
  [series("nats_core_info", { ...core(node, id), server_version: "2.14.5" })]: values,
});
const coreOut = (node: number) => ({ server_cluster: CLUSTER, server_name: `nats-node${node}` });
const jsOut = (node: number) => ({ ...js(node) });
/** A route of `node` to `peer`, as Surveyor reports each pooled connection. */
const route = (node: number, peer: number, id: number, values: string) => ({
  [series("nats_core_route_pending_bytes", { ...core(node), server_route_name: `nats-node${peer}`, server_route_name_id: String(id) })]:
    values,
});
const survey = (surveyed: string, expected = "3x40") => ({
  [series("nats_survey_surveyed_count", SURVEYOR)]: surveyed,
  [series("nats_survey_expected_count", SURVEYOR)]: expected,
});
const natsUp = (values: string) => ({ [series("nats_up", SURVEYOR)]: values });
const consumer = (node: number, leader: number, values: string) => ({
  [series("nats_consumer_num_pending", {
    ...SURVEYOR,
    account: "$G",
    account_name: "$G",
    cluster_name: CLUSTER,
    raft_group: "C-R3F-x1",
    server_id: `N${node}AAAA`,
    server_name: `nats-node${node}`,
    stream: "ORDERS",
    stream_leader: `nats-node${leader}`,
    consumer_name: "shipping",
    consumer_leader: `nats-node${leader}`,
  })]: values,
});
const advisory = (metric: string, labels: Readonly<Record<string, string>>, values: string) => ({
  [series(metric, { ...SURVEYOR, account: "$G", stream: "ORDERS", ...labels })]: values,
});
const peerState = (peer: number, current: string, offline: string) => ({
  [series("nats_core_jetstream_cluster_raft_group_replica_peer_current", { ...js(1), peer: `nats-node${peer}` })]: current,
  [series("nats_core_jetstream_cluster_raft_group_replica_peer_offline", { ...js(1), peer: `nats-node${peer}` })]: offline,
});
const store = (kind: "memstore" | "filestore", used: string, size: string) => ({
  [series(`nats_core_jetstream_${kind}_used_bytes`, js(1))]: used,
  [series(`nats_core_jetstream_${kind}_size_bytes`, js(1))]: size,
});
const fullMesh = (values = "0x40") => ({
  ...route(1, 2, 1, values),
  ...route(1, 3, 2, values),
  ...route(2, 1, 1, values),
  ...route(2, 3, 3, values),
  ...route(3, 1, 2, values),
  ...route(3, 2, 3, values),
});
const threeServers = { ...info(1, "1x40"), ...info(2, "1x40"), ...info(3, "1x40") };

/** The cases, by alert name. */
export const NATS_ALERT_TESTS: Readonly<Record<string, AlertTests>> = {
  NatsServerDown: [
    {
      name: "nats-node2 stopped answering at minute 10",
      series: { ...natsUp("1x30"), ...info(1, "1x30"), ...info(2, "1x10 _x20"), ...info(3, "1x30") },
      at: "20m",
      expect: [{ labels: coreOut(2) }],
    },
    {
      name: "every server answers",
      series: { ...natsUp("1x30"), ...info(1, "1x30"), ...info(2, "1x30"), ...info(3, "1x30") },
      at: "20m",
      expect: [],
    },
    {
      name: "nats-node2 restarted with a new server_id",
      series: {
        ...natsUp("1x30"),
        ...info(1, "1x30"),
        ...info(2, "1x10 _x20", "OLDID"),
        ...info(2, "_x11 1x19", "NEWID"),
        ...info(3, "1x30"),
      },
      at: "20m",
      expect: [],
    },
    {
      name: "Surveyor lost NATS, which NatsSurveyorDisconnected reports",
      series: { ...natsUp("1x10 0x20"), ...info(1, "1x10 _x20"), ...info(2, "1x10 _x20"), ...info(3, "1x10 _x20") },
      at: "20m",
      expect: [],
    },
  ],
  NatsSurveyIncomplete: [
    {
      name: "two of three servers answer for ten minutes",
      series: survey("3x5 2x20"),
      at: "15m",
      expect: [{ labels: SURVEYOR, value: 2 }],
    },
    { name: "all three answer", series: survey("3x25"), at: "15m", expect: [] },
    { name: "one survey missed a server for two minutes", series: survey("3x5 2x1 3x20"), at: "15m", expect: [] },
  ],
  NatsSurveyorDisconnected: [
    { name: "nats_up dropped to 0", series: natsUp("1x5 0x10"), at: "10m", expect: [{ labels: SURVEYOR }] },
    { name: "connected", series: natsUp("1x15"), at: "10m", expect: [] },
    { name: "a one-minute reconnect", series: natsUp("1x5 0 1x10"), at: "10m", expect: [] },
  ],
  NatsSurveyorNotScraped: [
    { name: "Surveyor's scrapes fail", series: { [series("up", SURVEYOR)]: "1x5 0x15" }, at: "15m", expect: [{ labels: SURVEYOR }] },
    { name: "Surveyor is scraped", series: { [series("up", SURVEYOR)]: "1x20" }, at: "15m", expect: [] },
    {
      name: "only the exporter's scrapes fail",
      series: { [series("up", SURVEYOR)]: "1x20", [series("up", EXPORTER)]: "0x20" },
      at: "15m",
      expect: [],
    },
  ],
  NatsExporterNotScraped: [
    { name: "the exporter's scrapes fail", series: { [series("up", EXPORTER)]: "1x5 0x15" }, at: "15m", expect: [{ labels: EXPORTER }] },
    { name: "the exporter is scraped", series: { [series("up", EXPORTER)]: "1x20" }, at: "15m", expect: [] },
  ],
  NatsServerUnhealthy: [
    {
      name: "nats-node3's /healthz fails",
      series: { [series("gnatsd_healthz_status", { ...EXPORTER, server_id: "nats-node3" })]: "0x5 1x15" },
      at: "15m",
      expect: [{ labels: { ...EXPORTER, server_id: "nats-node3" } }],
    },
    {
      name: "healthy (the exporter's 0 means ok)",
      series: { [series("gnatsd_healthz_status", { ...EXPORTER, server_id: "nats-node3" })]: "0x20" },
      at: "15m",
      expect: [],
    },
  ],
  NatsRouteMissing: [
    {
      name: "the route between nats-node2 and nats-node3 broke",
      series: {
        ...survey("3x25"),
        ...threeServers,
        ...route(1, 2, 1, "0x25"),
        ...route(1, 3, 2, "0x25"),
        ...route(2, 1, 1, "0x25"),
        ...route(2, 3, 3, "0x3 _x22"),
        ...route(3, 1, 2, "0x25"),
        ...route(3, 2, 3, "0x3 _x22"),
      },
      at: "20m",
      expect: [
        { labels: coreOut(2), value: 1 },
        { labels: coreOut(3), value: 1 },
      ],
    },
    {
      name: "nats-node3 has no route at all, so its peers miss it too",
      series: { ...survey("3x25"), ...threeServers, ...route(1, 2, 1, "0x25"), ...route(2, 1, 1, "0x25") },
      at: "20m",
      expect: [
        { labels: coreOut(1), value: 1 },
        { labels: coreOut(2), value: 1 },
        { labels: coreOut(3), value: 0 },
      ],
    },
    {
      name: "full mesh with pooled routes (several connections per peer)",
      series: {
        ...survey("3x25"),
        ...threeServers,
        ...fullMesh(),
        ...route(1, 2, 7, "0x40"),
        ...route(1, 2, 8, "0x40"),
        ...route(1, 3, 9, "0x40"),
      },
      at: "20m",
      expect: [],
    },
  ],
  NatsTooManyConnections: [
    {
      name: "1200 clients on nats-node1",
      series: { [series("nats_core_connection_count", core(1))]: "1200x20" },
      at: "15m",
      expect: [{ labels: core(1), value: 1200 }],
    },
    { name: "900 clients", series: { [series("nats_core_connection_count", core(1))]: "900x20" }, at: "15m", expect: [] },
  ],
  NatsSlowConsumers: [
    {
      name: "three clients were disconnected as slow consumers",
      series: { [series("nats_core_slow_consumer_count", core(1))]: "0x5 3x15" },
      at: "8m",
      expect: [{ labels: core(1) }],
    },
    {
      name: "old slow consumers, none in the last 10 minutes",
      series: { [series("nats_core_slow_consumer_count", core(1))]: "5x20" },
      at: "15m",
      expect: [],
    },
    {
      name: "the server restarted and its count went back to 0",
      series: { [series("nats_core_slow_consumer_count", core(1))]: "5x5 0x10" },
      at: "12m",
      expect: [],
    },
  ],
  NatsJetStreamDisabled: [
    {
      name: "JetStream off on nats-node1",
      series: { [series("nats_core_jetstream_enabled", js(1))]: "0x10" },
      at: "8m",
      expect: [{ labels: jsOut(1) }],
    },
    { name: "JetStream on", series: { [series("nats_core_jetstream_enabled", js(1))]: "1x10" }, at: "8m", expect: [] },
  ],
  NatsJetStreamMemoryHigh: [
    {
      name: "85% of max_memory_store",
      series: store("memstore", "850x20", "1000x20"),
      at: "15m",
      expect: [{ labels: jsOut(1), value: 0.85 }],
    },
    { name: "50%", series: store("memstore", "500x20", "1000x20"), at: "15m", expect: [] },
    { name: "no memory store configured (limit 0)", series: store("memstore", "0x20", "0x20"), at: "15m", expect: [] },
  ],
  NatsJetStreamStorageHigh: [
    {
      name: "90% of max_file_store",
      series: store("filestore", "900x25", "1000x25"),
      at: "20m",
      expect: [{ labels: jsOut(1), value: 0.9 }],
    },
    { name: "70%", series: store("filestore", "700x25", "1000x25"), at: "20m", expect: [] },
  ],
  NatsJetStreamStorageFull: [
    {
      name: "97% of max_file_store",
      series: store("filestore", "970x15", "1000x15"),
      at: "10m",
      expect: [{ labels: jsOut(1), value: 0.97 }],
    },
    { name: "90%, which only NatsJetStreamStorageHigh reports", series: store("filestore", "900x15", "1000x15"), at: "10m", expect: [] },
  ],
  NatsJetStreamMetaLeaderMissing: [
    {
      name: "nats-node1 lost the leadership and nobody took over",
      series: {
        [series("nats_core_jetstream_cluster_raft_group_leader", js(1))]: "1x3 0x15",
        [series("nats_core_jetstream_cluster_raft_group_leader", js(2))]: "0x20",
        [series("nats_core_jetstream_cluster_raft_group_leader", js(3))]: "0x20",
      },
      at: "10m",
      expect: [{ labels: { cluster_name: CLUSTER } }],
    },
    {
      name: "the leadership moved from nats-node1 to nats-node2",
      series: {
        [series("nats_core_jetstream_cluster_raft_group_leader", js(1))]: "1x5 0x15",
        [series("nats_core_jetstream_cluster_raft_group_leader", js(2))]: "0x5 1x15",
        [series("nats_core_jetstream_cluster_raft_group_leader", js(3))]: "0x20",
      },
      at: "10m",
      expect: [],
    },
  ],
  NatsJetStreamMetaPeerOffline: [
    {
      name: "the leader reports nats-node3 offline",
      series: peerState(3, "1x5 0x10", "0x5 1x10"),
      at: "10m",
      expect: [{ labels: { ...jsOut(1), peer: "nats-node3" } }],
    },
    { name: "every peer online", series: peerState(3, "1x15", "0x15"), at: "10m", expect: [] },
  ],
  NatsJetStreamMetaPeerLagging: [
    {
      name: "nats-node2 is online but not current",
      series: peerState(2, "1x5 0x15", "0x20"),
      at: "15m",
      expect: [{ labels: { ...jsOut(1), peer: "nats-node2" } }],
    },
    {
      name: "nats-node2 is offline, which NatsJetStreamMetaPeerOffline reports",
      series: peerState(2, "0x20", "1x20"),
      at: "15m",
      expect: [],
    },
    { name: "a short catch-up", series: peerState(2, "1x5 0x2 1x15", "0x25"), at: "15m", expect: [] },
  ],
  NatsJetStreamApiErrors: [
    {
      name: "5 errors a minute for half an hour",
      series: { [series("nats_core_jetstream_api_errors", js(1))]: "0+5x30" },
      at: "25m",
      expect: [{ labels: jsOut(1) }],
    },
    {
      name: "one error every two minutes",
      series: { [series("nats_core_jetstream_api_errors", js(1))]: "0+0.5x30" },
      at: "25m",
      expect: [],
    },
  ],
  NatsConsumerBacklogHigh: [
    {
      name: "5000 messages wait for consumer shipping (replicas report 0)",
      series: { ...consumer(2, 2, "5000x20"), ...consumer(1, 2, "0x20"), ...consumer(3, 2, "0x20") },
      at: "15m",
      expect: [{ labels: { cluster_name: CLUSTER, account: "$G", stream: "ORDERS", consumer_name: "shipping" }, value: 5000 }],
    },
    { name: "500 messages wait", series: consumer(2, 2, "500x20"), at: "15m", expect: [] },
  ],
  NatsConsumerMaxDeliveriesExceeded: [
    {
      name: "the first MAX_DELIVERIES advisory creates the counter",
      series: advisory("nats_jetstream_delivery_exceeded_count", { consumer: "shipping" }, "_x5 1x15"),
      at: "8m",
      expect: [{ labels: { ...SURVEYOR, account: "$G", stream: "ORDERS", consumer: "shipping" } }],
    },
    {
      name: "the counter grows",
      series: advisory("nats_jetstream_delivery_exceeded_count", { consumer: "shipping" }, "2x15 5x15"),
      at: "20m",
      expect: [{ labels: { ...SURVEYOR, account: "$G", stream: "ORDERS", consumer: "shipping" } }],
    },
    {
      name: "the last advisory was long ago",
      series: advisory("nats_jetstream_delivery_exceeded_count", { consumer: "shipping" }, "2x30"),
      at: "25m",
      expect: [],
    },
  ],
  NatsJetStreamQuorumLost: [
    {
      name: "stream ORDERS lost its quorum",
      series: advisory("nats_jetstream_stream_quorum_lost", {}, "_x5 1x15"),
      at: "8m",
      expect: [{ labels: { ...SURVEYOR, account: "$G", stream: "ORDERS" } }],
    },
    {
      name: "a consumer of ORDERS lost its quorum",
      series: advisory("nats_jetstream_consumer_quorum_lost", {}, "1x10 2x10"),
      at: "14m",
      expect: [{ labels: { ...SURVEYOR, account: "$G", stream: "ORDERS" } }],
    },
    { name: "quorum lost long ago", series: advisory("nats_jetstream_stream_quorum_lost", {}, "1x30"), at: "25m", expect: [] },
  ],
};

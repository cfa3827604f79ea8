import {
  CADVISOR_LABELS,
  CONTAINER_NAMES,
  CONTAINER_PORTS,
  DEFAULT_HOST_PORTS,
  DEFAULT_NATS_CLUSTER_NAME,
  LOG_LABELS,
  SCRAPE_JOBS,
} from "../contract/index.js";
import { DEFAULT_ALERT_CONFIG, type ResolvedAlertConfig } from "./config.js";
import { CONSUMER_PROGRESS_WINDOW, FILLING_UP_LOOKBACK, FILLING_UP_MIN_RATIO } from "./groups/nats-jetstream.js";
import { NATS_ALERT_GROUPS } from "./nats-rules.js";
import type { AlertRule, AlertRuleGroup, AlertTests } from "./rule-types.js";

/**
 * promtool unit-test cases for every alert, as a function of the config the
 * rules were built with: thresholds and `for` durations move the inputs and
 * evaluation times, so a tuned rule set is tested as thoroughly as the
 * default one. Each alert has at least one case that fires and one that stays
 * silent, usually the near miss that a wrong expression would get wrong
 * (the Watchdog, which always fires, has no silent case). `npm run alerts`
 * renders them into alerts/generated/<group>.test.yml.
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

/**
 * Labels a series needs to match a config selector: the equality matchers,
 * and the first alternative of a `=~"a|b"` matcher. Other matchers have no
 * obvious sample value, so a config that uses them is refused here.
 */
export function selectorLabels(selector: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const match of selector.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!=|!~|=)\s*"((?:[^"\\]|\\.)*)"/g)) {
    const [, name, op, value] = match;
    if (op === "=") labels[name] = value;
    else if (op === "=~" && /^[\w.:/-]+(\|[\w.:/-]+)*$/.test(value)) labels[name] = value.split("|")[0];
    else throw new Error(`the rule tests cannot pick a series for the matcher ${match[0]}; use = or =~"a|b" in a tested config`);
  }
  return labels;
}

/** Whole minutes of a Prometheus duration such as "90s", "5m" or "1h" (rounded up). */
export function durationMinutes(duration: string): number {
  const units: Record<string, number> = { ms: 1 / 60000, s: 1 / 60, m: 1, h: 60, d: 1440, w: 10080, y: 525600 };
  let minutes = 0;
  for (const [, amount, unit] of duration.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) minutes += Number(amount) * units[unit];
  return Math.ceil(minutes);
}

/** promtool notation for `count` samples of `value` ("_" for missing ones). */
function run(value: string | number, count: number): string {
  if (count <= 0) return "";
  return value === "_" ? `_x${count}` : `${value}x${count - 1}`;
}

/** Runs one after another, e.g. steps([1, 5], [0, 20]). */
function steps(...parts: readonly (readonly [string | number, number])[]): string {
  return parts
    .map(([value, count]) => run(value, count))
    .filter((p) => p !== "")
    .join(" ");
}

/** A number in series notation without float noise. */
const num = (value: number) => String(+value.toFixed(6));

/** The cases of every alert of `groups`, for the config they were built with. */
export function natsAlertTests(groups: readonly AlertRuleGroup[], config: ResolvedAlertConfig): Record<string, AlertTests> {
  const rules = new Map<string, AlertRule>(groups.flatMap((g) => g.rules.map((r) => [r.alert, r] as const)));
  const forOf = (alert: string) => durationMinutes(rules.get(alert)?.for ?? "0s");
  const t = config.thresholds;

  const SURVEYOR = { ...selectorLabels(config.surveyorSelector), instance: `${CONTAINER_NAMES.surveyor}:${CONTAINER_PORTS.surveyor}` };
  const EXPORTER = { ...selectorLabels(config.exporterSelector), instance: `${CONTAINER_NAMES.exporter}:${CONTAINER_PORTS.exporter}` };
  const PROMETHEUS = { ...selectorLabels(config.prometheusSelector), instance: `localhost:${CONTAINER_PORTS.prometheus}` };
  const ALERTMANAGER = {
    ...selectorLabels(config.alertmanagerSelector),
    instance: `${CONTAINER_NAMES.alertmanager}:${CONTAINER_PORTS.alertmanager}`,
  };
  const LOKI = { ...selectorLabels(config.lokiSelector), instance: `${CONTAINER_NAMES.loki}:${CONTAINER_PORTS.lokiHttp}` };
  const CADVISOR = { ...selectorLabels(config.cadvisorSelector), instance: `${CONTAINER_NAMES.cadvisor}:${CONTAINER_PORTS.cadvisor}` };
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
  const info = (node: number, values: string, id?: string, version = "2.14.5") => ({
    [series("nats_core_info", { ...core(node, id), server_version: version })]: values,
  });
  const coreOut = (node: number) => ({ server_cluster: CLUSTER, server_name: `nats-node${node}` });
  const jsOut = (node: number) => ({ ...js(node) });
  /** A route of `node` to `peer`, as Surveyor reports each pooled connection. */
  const route = (node: number, peer: number, id: number, values: string) => ({
    [series("nats_core_route_pending_bytes", { ...core(node), server_route_name: `nats-node${peer}`, server_route_name_id: String(id) })]:
      values,
  });
  const survey = (surveyed: string, expected: string) => ({
    [series("nats_survey_surveyed_count", SURVEYOR)]: surveyed,
    [series("nats_survey_expected_count", SURVEYOR)]: expected,
  });
  const natsUp = (values: string) => ({ [series("nats_up", SURVEYOR)]: values });
  const CONSUMER_LABELS = { cluster_name: CLUSTER, account: "$G", stream: "ORDERS", consumer_name: "shipping" };
  const consumer = (metric: string, node: number, leader: number, values: string) => ({
    [series(metric, {
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
  const threeServers = (n: number) => ({ ...info(1, run(1, n)), ...info(2, run(1, n)), ...info(3, run(1, n)) });
  const fullMesh = (n: number) => ({
    ...route(1, 2, 1, run(0, n)),
    ...route(1, 3, 2, run(0, n)),
    ...route(2, 1, 1, run(0, n)),
    ...route(2, 3, 3, run(0, n)),
    ...route(3, 1, 2, run(0, n)),
    ...route(3, 2, 3, run(0, n)),
  });

  /**
   * A condition that becomes true at minute `start`: the case evaluates two
   * minutes after the rule's `for` has run out, the near miss one minute
   * before (still pending), and the series run a little beyond both.
   */
  const timing = (alert: string, start: number) => {
    const f = forOf(alert);
    const at = start + f + 2;
    return { at, early: start + f - 1, length: at + 5, f };
  };
  const m = (minutes: number) => `${minutes}m`;

  /** A store of 1000 bytes that grows linearly to `ratio` full at minute `at`, `gain` of its size every `hours`. */
  const growingStore = (at: number, ramp: number, ratio: number, gain: number, hours: number) => {
    const size = 1000;
    const perMinute = (gain * size) / (60 * hours);
    const start = ratio * size - perMinute * ramp;
    if (start < 0) throw new Error(`a filling-up case cannot start below 0 (ratio ${ratio}, ramp ${ramp}m, ${hours}h): tune the test`);
    return { values: steps([num(start), at - ramp]) + ` ${num(start)}+${num(perMinute)}x${ramp + 5}`, size };
  };
  const fillingUpCases = (alert: string, level: "warning" | "critical", hours: number): AlertTests => {
    const lookback = durationMinutes(FILLING_UP_LOOKBACK[level]);
    const { at, length, f } = timing(alert, lookback + 5);
    const ramp = f + lookback + 2;
    const guard = FILLING_UP_MIN_RATIO[level];
    const full = growingStore(at, ramp, 0.9, 0.2, hours);
    const slow = growingStore(at, ramp, 0.9, 0.05, hours);
    const young = growingStore(at, ramp, guard - 0.02, 0.67, hours);
    const size = run(full.size, length);
    return [
      {
        name: `90% used, growing 20% of the store every ${hours}h`,
        series: store("filestore", full.values, size),
        at: m(at),
        expect: [{ labels: jsOut(1) }],
      },
      { name: `90% used, growing 5% every ${hours}h`, series: store("filestore", slow.values, size), at: m(at), expect: [] },
      {
        name: `only ${Math.round((guard - 0.02) * 100)}% used, however fast it grows`,
        series: store("filestore", young.values, size),
        at: m(at),
        expect: [],
      },
    ];
  };
  const prometheusStorageCases = (alert: string, level: "warning" | "critical", hours: number): AlertTests => {
    const lookback = durationMinutes(FILLING_UP_LOOKBACK[level]);
    const { at, length, f } = timing(alert, lookback + 10);
    // The subquery samples every 5m, aligned to the clock: ramp a little longer.
    const ramp = f + lookback + 12;
    const full = growingStore(at, ramp, 0.9, 0.2, hours);
    const slow = growingStore(at, ramp, 0.9, 0.05, hours);
    const input = (blocks: string, limit: number) => ({
      [series("prometheus_tsdb_storage_blocks_bytes", PROMETHEUS)]: blocks,
      [series("prometheus_tsdb_wal_storage_size_bytes", PROMETHEUS)]: run(0, length),
      [series("prometheus_tsdb_retention_limit_bytes", PROMETHEUS)]: run(limit, length),
    });
    return [
      {
        name: `90% of the retention size, growing 20% every ${hours}h`,
        series: input(full.values, full.size),
        at: m(at),
        expect: [{ labels: PROMETHEUS }],
      },
      { name: `90%, growing 5% every ${hours}h`, series: input(slow.values, slow.size), at: m(at), expect: [] },
      { name: "no retention size set (limit 0)", series: input(full.values, 0), at: m(at), expect: [] },
    ];
  };

  const cases: Record<string, AlertTests> = {};
  const define = (alert: string, build: () => AlertTests) => {
    if (rules.has(alert)) cases[alert] = build();
  };

  define("NatsServerDown", () => {
    // node2's last sample at minute 10 goes stale after 5 minutes: at 16 for
    // Prometheus 2 (lookback [t-5m, t]), at 15 for Prometheus 3 ((t-5m, t]).
    const { at, early: late, length } = timing("NatsServerDown", 16);
    const early = late - 1;
    const gone = steps([1, 11], ["_", length - 11]);
    return [
      {
        name: "nats-node2 stopped answering at minute 10",
        series: { ...natsUp(run(1, length)), ...info(1, run(1, length)), ...info(2, gone), ...info(3, run(1, length)) },
        at: m(at),
        expect: [{ labels: coreOut(2) }],
      },
      {
        name: "nats-node2 is gone for less than the rule's for",
        series: { ...natsUp(run(1, length)), ...info(1, run(1, length)), ...info(2, gone), ...info(3, run(1, length)) },
        at: m(early),
        expect: [],
      },
      { name: "every server answers", series: { ...natsUp(run(1, length)), ...threeServers(length) }, at: m(at), expect: [] },
      {
        name: "nats-node2 restarted with a new server_id",
        series: {
          ...natsUp(run(1, length)),
          ...info(1, run(1, length)),
          ...info(2, gone, "OLDID"),
          ...info(2, steps(["_", 12], [1, length - 12]), "NEWID"),
          ...info(3, run(1, length)),
        },
        at: m(at),
        expect: [],
      },
      {
        name: "Surveyor lost NATS, which NatsSurveyorDisconnected reports",
        series: { ...natsUp(steps([1, 11], [0, length - 11])), ...info(1, gone), ...info(2, gone), ...info(3, gone) },
        at: m(at),
        expect: [],
      },
    ];
  });
  define("NatsHostUnreachable", () => {
    // A stack over three hosts: each host's exporter and node-exporter are
    // scraped on the host's address and carry its name as `host`.
    const address = (host: number) => `10.0.0.1${host}`;
    const agents = (host: number, exporter: string, nodeExporter: string) => ({
      [series("up", { ...EXPORTER, instance: `${address(host)}:${DEFAULT_HOST_PORTS.exporter}`, [LOG_LABELS.host]: `h${host}` })]: exporter,
      [series("up", {
        job: SCRAPE_JOBS.nodeExporter,
        instance: `${address(host)}:${DEFAULT_HOST_PORTS.nodeExporter}`,
        [LOG_LABELS.host]: `h${host}`,
      })]: nodeExporter,
    });
    const { at, early, length } = timing("NatsHostUnreachable", 6);
    const up = run(1, length);
    const lost = steps([1, 6], [0, length - 6]);
    const others = { ...agents(1, up, up), ...agents(3, up, up) };
    return [
      {
        name: "every target of h2 is down",
        series: { ...others, ...agents(2, lost, lost) },
        at: m(at),
        expect: [{ labels: { host: "h2" }, value: 2 }],
      },
      { name: "h2 is down for less than the rule's for", series: { ...others, ...agents(2, lost, lost) }, at: m(early), expect: [] },
      {
        name: "only h2's exporter is down, its node-exporter answers (NatsExporterNotScraped)",
        series: { ...others, ...agents(2, lost, up) },
        at: m(at),
        expect: [],
      },
      {
        name: "h2 runs its exporter alone (no node-exporter), which is down",
        series: {
          ...others,
          [series("up", { ...EXPORTER, instance: `${address(2)}:${DEFAULT_HOST_PORTS.exporter}`, [LOG_LABELS.host]: "h2" })]: lost,
        },
        at: m(at),
        expect: [],
      },
      {
        name: "a single-host stack (no host label) loses every target",
        series: {
          [series("up", EXPORTER)]: lost,
          [series("up", { job: SCRAPE_JOBS.nodeExporter, instance: `${CONTAINER_NAMES.nodeExporter}:${CONTAINER_PORTS.nodeExporter}` })]:
            lost,
        },
        at: m(at),
        expect: [],
      },
    ];
  });
  define("NatsSurveyIncomplete", () => {
    const { at, early, length } = timing("NatsSurveyIncomplete", 6);
    return [
      {
        name: "two of three servers answer",
        series: survey(steps([3, 6], [2, length - 6]), run(3, length)),
        at: m(at),
        expect: [{ labels: SURVEYOR, value: 2 }],
      },
      { name: "all three answer", series: survey(run(3, length), run(3, length)), at: m(at), expect: [] },
      {
        name: "two answer for less than the rule's for",
        series: survey(steps([3, 6], [2, length - 6]), run(3, length)),
        at: m(early),
        expect: [],
      },
    ];
  });
  define("NatsSurveyorDisconnected", () => {
    const { at, early, length } = timing("NatsSurveyorDisconnected", 6);
    return [
      { name: "nats_up dropped to 0", series: natsUp(steps([1, 6], [0, length - 6])), at: m(at), expect: [{ labels: SURVEYOR }] },
      { name: "connected", series: natsUp(run(1, length)), at: m(at), expect: [] },
      { name: "disconnected for less than the rule's for", series: natsUp(steps([1, 6], [0, length - 6])), at: m(early), expect: [] },
    ];
  });
  define("NatsSurveyorNotScraped", () => {
    const { at, early, length } = timing("NatsSurveyorNotScraped", 6);
    const failing = steps([1, 6], [0, length - 6]);
    return [
      { name: "Surveyor's scrapes fail", series: { [series("up", SURVEYOR)]: failing }, at: m(at), expect: [{ labels: SURVEYOR }] },
      { name: "Surveyor is scraped", series: { [series("up", SURVEYOR)]: run(1, length) }, at: m(at), expect: [] },
      {
        name: "only the exporter's scrapes fail",
        series: { [series("up", SURVEYOR)]: run(1, length), [series("up", EXPORTER)]: run(0, length) },
        at: m(at),
        expect: [],
      },
      { name: "failing for less than the rule's for", series: { [series("up", SURVEYOR)]: failing }, at: m(early), expect: [] },
    ];
  });
  define("NatsExporterNotScraped", () => {
    const { at, early, length } = timing("NatsExporterNotScraped", 6);
    const failing = steps([1, 6], [0, length - 6]);
    return [
      { name: "the exporter's scrapes fail", series: { [series("up", EXPORTER)]: failing }, at: m(at), expect: [{ labels: EXPORTER }] },
      { name: "the exporter is scraped", series: { [series("up", EXPORTER)]: run(1, length) }, at: m(at), expect: [] },
      { name: "failing for less than the rule's for", series: { [series("up", EXPORTER)]: failing }, at: m(early), expect: [] },
    ];
  });
  define("NatsServerUnhealthy", () => {
    const { at, length } = timing("NatsServerUnhealthy", 6);
    const health = (values: string) => ({ [series("gnatsd_healthz_status", { ...EXPORTER, server_id: "nats-node3" })]: values });
    return [
      {
        name: "nats-node3's /healthz fails",
        series: health(steps([0, 6], [1, length - 6])),
        at: m(at),
        expect: [{ labels: { ...EXPORTER, server_id: "nats-node3" } }],
      },
      { name: "healthy (the exporter's 0 means ok)", series: health(run(0, length)), at: m(at), expect: [] },
    ];
  });
  define("NatsRouteMissing", () => {
    // The broken routes' last samples at minute 3 go stale at 9.
    const { at, length } = timing("NatsRouteMissing", 9);
    const broken = steps([0, 4], ["_", length - 4]);
    return [
      {
        name: "the route between nats-node2 and nats-node3 broke",
        series: {
          ...survey(run(3, length), run(3, length)),
          ...threeServers(length),
          ...route(1, 2, 1, run(0, length)),
          ...route(1, 3, 2, run(0, length)),
          ...route(2, 1, 1, run(0, length)),
          ...route(2, 3, 3, broken),
          ...route(3, 1, 2, run(0, length)),
          ...route(3, 2, 3, broken),
        },
        at: m(at),
        expect: [
          { labels: coreOut(2), value: 1 },
          { labels: coreOut(3), value: 1 },
        ],
      },
      {
        name: "nats-node3 has no route at all, so its peers miss it too",
        series: {
          ...survey(run(3, length), run(3, length)),
          ...threeServers(length),
          ...route(1, 2, 1, run(0, length)),
          ...route(2, 1, 1, run(0, length)),
        },
        at: m(at),
        expect: [
          { labels: coreOut(1), value: 1 },
          { labels: coreOut(2), value: 1 },
          { labels: coreOut(3), value: 0 },
        ],
      },
      {
        name: "full mesh with pooled routes (several connections per peer)",
        series: {
          ...survey(run(3, length), run(3, length)),
          ...threeServers(length),
          ...fullMesh(length),
          ...route(1, 2, 7, run(0, length)),
          ...route(1, 2, 8, run(0, length)),
          ...route(1, 3, 9, run(0, length)),
        },
        at: m(at),
        expect: [],
      },
    ];
  });
  define("NatsRoutePendingBytesHigh", () => {
    const { at, early, length } = timing("NatsRoutePendingBytesHigh", 6);
    const pending = (bytes: number) => ({ ...route(1, 2, 1, steps([0, 6], [bytes, length - 6])), ...route(1, 2, 2, run(0, length)) });
    return [
      {
        name: `${2 * t.routePendingBytes} bytes wait on one of the pooled routes to nats-node2`,
        series: pending(2 * t.routePendingBytes),
        at: m(at),
        expect: [{ labels: { ...coreOut(1), server_route_name: "nats-node2" } }],
      },
      {
        name: `${Math.floor(t.routePendingBytes / 2)} bytes wait`,
        series: pending(Math.floor(t.routePendingBytes / 2)),
        at: m(at),
        expect: [],
      },
      { name: "a backlog shorter than the rule's for", series: pending(2 * t.routePendingBytes), at: m(early), expect: [] },
    ];
  });
  define("NatsClusterVersionMismatch", () => {
    const { at, early, length } = timing("NatsClusterVersionMismatch", 0);
    return [
      {
        name: "nats-node3 runs 2.15.1, the others 2.14.5",
        series: { ...info(1, run(1, length)), ...info(2, run(1, length)), ...info(3, run(1, length), undefined, "2.15.1") },
        at: m(at),
        expect: [{ labels: { server_cluster: CLUSTER }, value: 2 }],
      },
      { name: "one version everywhere", series: threeServers(length), at: m(at), expect: [] },
      {
        name: "a rolling upgrade still under way",
        series: { ...info(1, run(1, length)), ...info(2, run(1, length)), ...info(3, run(1, length), undefined, "2.15.1") },
        at: m(early),
        expect: [],
      },
    ];
  });
  define("NatsTooManyConnections", () => {
    const { at, length } = timing("NatsTooManyConnections", 0);
    const over = Math.ceil(t.connectionsPerServer * 1.2);
    return [
      {
        name: `${over} clients on nats-node1`,
        series: { [series("nats_core_connection_count", core(1))]: run(over, length) },
        at: m(at),
        expect: [{ labels: core(1), value: over }],
      },
      {
        name: `${Math.floor(t.connectionsPerServer * 0.9)} clients`,
        series: { [series("nats_core_connection_count", core(1))]: run(Math.floor(t.connectionsPerServer * 0.9), length) },
        at: m(at),
        expect: [],
      },
    ];
  });
  define("NatsSlowConsumers", () => {
    const { at, length } = timing("NatsSlowConsumers", 6);
    const slow = (values: string) => ({ [series("nats_core_slow_consumer_count", core(1))]: values });
    return [
      {
        name: "three clients were disconnected as slow consumers",
        series: slow(steps([0, 6], [3, length])),
        at: m(at),
        expect: [{ labels: core(1) }],
      },
      { name: "old slow consumers, none in the last 10 minutes", series: slow(run(5, 30)), at: "25m", expect: [] },
      { name: "the server restarted and its count went back to 0", series: slow(steps([5, 6], [0, length])), at: m(at), expect: [] },
    ];
  });
  define("NatsJetStreamDisabled", () => {
    const { at, length } = timing("NatsJetStreamDisabled", 0);
    return [
      {
        name: "JetStream off on nats-node1",
        series: { [series("nats_core_jetstream_enabled", js(1))]: run(0, length) },
        at: m(at),
        expect: [{ labels: jsOut(1) }],
      },
      { name: "JetStream on", series: { [series("nats_core_jetstream_enabled", js(1))]: run(1, length) }, at: m(at), expect: [] },
    ];
  });
  const ratioCases = (alert: string, kind: "memstore" | "filestore", fire: number, quiet: number, quietName: string): AlertTests => {
    const { at, length } = timing(alert, 0);
    const used = (ratio: number) => run(Math.round(ratio * 1000), length);
    return [
      {
        name: `${Math.round(fire * 100)}% of the limit`,
        series: store(kind, used(fire), run(1000, length)),
        at: m(at),
        expect: [{ labels: jsOut(1), value: Math.round(fire * 1000) / 1000 }],
      },
      { name: quietName, series: store(kind, used(quiet), run(1000, length)), at: m(at), expect: [] },
    ];
  };
  define("NatsJetStreamMemoryHigh", () => [
    ...ratioCases(
      "NatsJetStreamMemoryHigh",
      "memstore",
      (t.jetStreamMemoryRatio + 1) / 2,
      t.jetStreamMemoryRatio - 0.1,
      "just below the limit's ratio",
    ),
    {
      name: "no memory store configured (limit 0)",
      series: store("memstore", run(0, timing("NatsJetStreamMemoryHigh", 0).length), run(0, timing("NatsJetStreamMemoryHigh", 0).length)),
      at: m(timing("NatsJetStreamMemoryHigh", 0).at),
      expect: [],
    },
  ]);
  define("NatsJetStreamStorageHigh", () =>
    ratioCases(
      "NatsJetStreamStorageHigh",
      "filestore",
      (t.jetStreamStorageRatio + t.jetStreamStorageCriticalRatio) / 2,
      t.jetStreamStorageRatio - 0.1,
      "below the warning ratio",
    ),
  );
  define("NatsJetStreamStorageFull", () =>
    ratioCases(
      "NatsJetStreamStorageFull",
      "filestore",
      (t.jetStreamStorageCriticalRatio + 1) / 2,
      (t.jetStreamStorageRatio + t.jetStreamStorageCriticalRatio) / 2,
      "between the two ratios, which only NatsJetStreamStorageHigh reports",
    ),
  );
  define("NatsJetStreamStorageFillingUp", () => fillingUpCases("NatsJetStreamStorageFillingUp", "warning", t.fillingUpHours));
  define("NatsJetStreamStorageFillingUpFast", () =>
    fillingUpCases("NatsJetStreamStorageFillingUpFast", "critical", t.fillingUpCriticalHours),
  );
  define("NatsJetStreamMetaLeaderMissing", () => {
    const { at, length } = timing("NatsJetStreamMetaLeaderMissing", 4);
    const leader = (node: number, values: string) => ({ [series("nats_core_jetstream_cluster_raft_group_leader", js(node))]: values });
    return [
      {
        name: "nats-node1 lost the leadership and nobody took over",
        series: { ...leader(1, steps([1, 4], [0, length - 4])), ...leader(2, run(0, length)), ...leader(3, run(0, length)) },
        at: m(at),
        expect: [{ labels: { cluster_name: CLUSTER } }],
      },
      {
        name: "the leadership moved from nats-node1 to nats-node2",
        series: {
          ...leader(1, steps([1, 4], [0, length - 4])),
          ...leader(2, steps([0, 4], [1, length - 4])),
          ...leader(3, run(0, length)),
        },
        at: m(at),
        expect: [],
      },
    ];
  });
  define("NatsJetStreamMetaPeerOffline", () => {
    const { at, length } = timing("NatsJetStreamMetaPeerOffline", 6);
    return [
      {
        name: "the leader reports nats-node3 offline",
        series: peerState(3, steps([1, 6], [0, length - 6]), steps([0, 6], [1, length - 6])),
        at: m(at),
        expect: [{ labels: { ...jsOut(1), peer: "nats-node3" } }],
      },
      { name: "every peer online", series: peerState(3, run(1, length), run(0, length)), at: m(at), expect: [] },
    ];
  });
  define("NatsJetStreamMetaPeerLagging", () => {
    const { at, length } = timing("NatsJetStreamMetaPeerLagging", 6);
    return [
      {
        name: "nats-node2 is online but not current",
        series: peerState(2, steps([1, 6], [0, length - 6]), run(0, length)),
        at: m(at),
        expect: [{ labels: { ...jsOut(1), peer: "nats-node2" } }],
      },
      {
        name: "nats-node2 is offline, which NatsJetStreamMetaPeerOffline reports",
        series: peerState(2, run(0, length), run(1, length)),
        at: m(at),
        expect: [],
      },
      { name: "a short catch-up", series: peerState(2, steps([1, 6], [0, 2], [1, length - 8]), run(0, length)), at: m(at), expect: [] },
    ];
  });
  define("NatsJetStreamApiErrors", () => {
    // increase() over 10 minutes needs the counter for 10 minutes before the condition holds.
    const { at, length } = timing("NatsJetStreamApiErrors", 11);
    const errors = (perMinute: number) => ({ [series("nats_core_jetstream_api_errors", js(1))]: `0+${num(perMinute)}x${length}` });
    return [
      {
        name: `${num(t.jetStreamApiErrorsPer10m / 2)} errors a minute`,
        series: errors(t.jetStreamApiErrorsPer10m / 2),
        at: m(at),
        expect: [{ labels: jsOut(1) }],
      },
      {
        name: `${num(t.jetStreamApiErrorsPer10m / 20)} errors a minute`,
        series: errors(t.jetStreamApiErrorsPer10m / 20),
        at: m(at),
        expect: [],
      },
    ];
  });
  const apiPending = (values: string) => ({ [series("nats_core_jetstream_api_pending", js(1))]: values });
  define("NatsJetStreamApiBacklog", () => {
    const { at, early, length } = timing("NatsJetStreamApiBacklog", 6);
    const high = Math.floor((t.jetStreamApiPending + t.jetStreamApiPendingCritical) / 2);
    return [
      {
        name: `${high} requests wait`,
        series: apiPending(steps([0, 6], [high, length - 6])),
        at: m(at),
        expect: [{ labels: jsOut(1), value: high }],
      },
      {
        name: `${Math.floor(t.jetStreamApiPending / 2)} requests wait`,
        series: apiPending(run(Math.floor(t.jetStreamApiPending / 2), length)),
        at: m(at),
        expect: [],
      },
      { name: "a burst shorter than the rule's for", series: apiPending(steps([0, 6], [high, length - 6])), at: m(early), expect: [] },
    ];
  });
  define("NatsJetStreamApiBacklogCritical", () => {
    const { at, length } = timing("NatsJetStreamApiBacklogCritical", 6);
    const critical = Math.ceil(t.jetStreamApiPendingCritical * 1.2);
    const high = Math.floor((t.jetStreamApiPending + t.jetStreamApiPendingCritical) / 2);
    return [
      {
        name: `${critical} requests wait`,
        series: apiPending(steps([0, 6], [critical, length - 6])),
        at: m(at),
        expect: [{ labels: jsOut(1), value: critical }],
      },
      {
        name: `${high} requests wait, which only NatsJetStreamApiBacklog reports`,
        series: apiPending(run(high, length)),
        at: m(at),
        expect: [],
      },
    ];
  });
  define("NatsConsumerBacklogHigh", () => {
    const { at, length } = timing("NatsConsumerBacklogHigh", 0);
    const high = 5 * t.consumerPendingMessages;
    return [
      {
        name: `${high} messages wait for consumer shipping (replicas report 0)`,
        series: {
          ...consumer("nats_consumer_num_pending", 2, 2, run(high, length)),
          ...consumer("nats_consumer_num_pending", 1, 2, run(0, length)),
          ...consumer("nats_consumer_num_pending", 3, 2, run(0, length)),
        },
        at: m(at),
        expect: [{ labels: CONSUMER_LABELS, value: high }],
      },
      {
        name: `${Math.floor(t.consumerPendingMessages / 2)} messages wait`,
        series: consumer("nats_consumer_num_pending", 2, 2, run(Math.floor(t.consumerPendingMessages / 2), length)),
        at: m(at),
        expect: [],
      },
    ];
  });
  define("NatsConsumerStalled", () => {
    const window = durationMinutes(CONSUMER_PROGRESS_WINDOW);
    const { at, length } = timing("NatsConsumerStalled", window + 1);
    const input = (pending: number, delivered: string) => ({
      ...consumer("nats_consumer_num_pending", 2, 2, run(pending, length)),
      ...consumer("nats_consumer_delivered_stream_seq", 2, 2, delivered),
    });
    return [
      {
        name: "500 messages wait and none was delivered",
        series: input(500, run(1200, length)),
        at: m(at),
        expect: [{ labels: CONSUMER_LABELS, value: 500 }],
      },
      { name: "500 messages wait and deliveries go on", series: input(500, `1200+10x${length}`), at: m(at), expect: [] },
      { name: "nothing waits and nothing is delivered", series: input(0, run(1200, length)), at: m(at), expect: [] },
    ];
  });
  define("NatsConsumerAckStalled", () => {
    const window = durationMinutes(CONSUMER_PROGRESS_WINDOW);
    const { at, length } = timing("NatsConsumerAckStalled", window + 1);
    const input = (ackPending: number, floor: string) => ({
      ...consumer("nats_consumer_num_ack_pending", 2, 2, run(ackPending, length)),
      ...consumer("nats_consumer_ack_floor_stream_seq", 2, 2, floor),
    });
    return [
      {
        name: "20 messages unacknowledged, the ack floor stuck",
        series: input(20, run(900, length)),
        at: m(at),
        expect: [{ labels: CONSUMER_LABELS, value: 20 }],
      },
      { name: "20 unacknowledged while acknowledgements go on", series: input(20, `900+5x${length}`), at: m(at), expect: [] },
    ];
  });
  define("NatsConsumerMaxDeliveriesExceeded", () => {
    const labels = { ...SURVEYOR, account: "$G", stream: "ORDERS", consumer: "shipping" };
    const { at, length } = timing("NatsConsumerMaxDeliveriesExceeded", 6);
    return [
      {
        name: "the first MAX_DELIVERIES advisory creates the counter",
        series: advisory("nats_jetstream_delivery_exceeded_count", { consumer: "shipping" }, steps(["_", 6], [1, length])),
        at: m(at),
        expect: [{ labels }],
      },
      {
        name: "the counter grows",
        series: advisory("nats_jetstream_delivery_exceeded_count", { consumer: "shipping" }, steps([2, 16], [5, 15])),
        at: m(16 + forOf("NatsConsumerMaxDeliveriesExceeded") + 2),
        expect: [{ labels }],
      },
      {
        name: "the last advisory was long ago",
        series: advisory("nats_jetstream_delivery_exceeded_count", { consumer: "shipping" }, run(2, 31)),
        at: "25m",
        expect: [],
      },
    ];
  });
  define("NatsJetStreamQuorumLost", () => {
    const labels = { ...SURVEYOR, account: "$G", stream: "ORDERS" };
    const { at, length } = timing("NatsJetStreamQuorumLost", 6);
    return [
      {
        name: "stream ORDERS lost its quorum",
        series: advisory("nats_jetstream_stream_quorum_lost", {}, steps(["_", 6], [1, length])),
        at: m(at),
        expect: [{ labels }],
      },
      {
        name: "a consumer of ORDERS lost its quorum",
        series: advisory("nats_jetstream_consumer_quorum_lost", {}, steps([1, 11], [2, 20])),
        at: m(11 + forOf("NatsJetStreamQuorumLost") + 2),
        expect: [{ labels }],
      },
      { name: "quorum lost long ago", series: advisory("nats_jetstream_stream_quorum_lost", {}, run(1, 31)), at: "25m", expect: [] },
    ];
  });

  // The monitoring pipeline.
  define("Watchdog", () => [{ name: "always, even without any input", series: {}, at: "1m", expect: [{ labels: {} }] }]);
  define("InfoInhibitor", () => {
    const alertSeries = (alertname: string, severity: string, state = "firing") =>
      series("ALERTS", { alertname, alertstate: state, severity, server_cluster: CLUSTER });
    return [
      {
        name: "an info alert fires alone",
        series: { [alertSeries("NatsClusterVersionMismatch", "info")]: run(1, 10) },
        at: "5m",
        expect: [{ labels: { alertstate: "firing", server_cluster: CLUSTER } }],
      },
      {
        name: "an info alert fires next to a warning",
        series: {
          [alertSeries("NatsClusterVersionMismatch", "info")]: run(1, 10),
          [alertSeries("NatsRouteMissing", "warning")]: run(1, 10),
        },
        at: "5m",
        expect: [],
      },
      { name: "only a warning fires", series: { [alertSeries("NatsRouteMissing", "warning")]: run(1, 10) }, at: "5m", expect: [] },
    ];
  });
  define("MonitoringTargetDown", () => {
    const { at, early, length } = timing("MonitoringTargetDown", 6);
    const part: Record<string, string> = { ...selectorLabels(config.monitoringSelector), instance: "monitoring-part:9999" };
    const failing = steps([1, 6], [0, length - 6]);
    return [
      {
        name: `the scrapes of ${part.job ?? "a monitoring part"} fail`,
        series: { [series("up", part)]: failing },
        at: m(at),
        expect: [{ labels: part }],
      },
      { name: "a short scrape failure", series: { [series("up", part)]: failing }, at: m(early), expect: [] },
      {
        name: "a target outside the monitoring parts fails",
        series: { [series("up", { job: "some-app", instance: "app:8080" })]: run(0, length) },
        at: m(at),
        expect: [],
      },
    ];
  });
  define("LogPipelineSilent", () => {
    const { at, length } = timing("LogPipelineSilent", 1);
    const input = (lines: string) => ({
      [series("up", LOKI)]: run(1, length),
      [series("loki_distributor_lines_received_total", { ...LOKI, tenant: "fake" })]: lines,
    });
    return [
      { name: "Loki runs and receives nothing", series: input(run(5000, length)), at: m(at), expect: [{ labels: LOKI }] },
      {
        name: "Loki runs and has not received a line since its start",
        series: { [series("up", LOKI)]: run(1, length) },
        at: m(at),
        expect: [{ labels: LOKI }],
      },
      { name: "lines keep arriving", series: input(`5000+20x${length}`), at: m(at), expect: [] },
    ];
  });

  // The stack's containers, as cAdvisor serves them (cgroup v1 ids; v2 reads /system.slice/docker-<id>.scope).
  const containerOut = (node: number) => ({ ...CADVISOR, name: `nats-node${node}`, [CADVISOR_LABELS.component]: "nats" });
  const container = (metric: string, node: number, id: string, values: string) => ({
    [series(metric, {
      ...containerOut(node),
      id: `/docker/${id}`,
      image: "nats:2.14.9-alpine",
      [CADVISOR_LABELS.project]: "nats-monitoring",
    })]: values,
  });
  define("ContainerRestarting", () => {
    const restarts = t.containerRestartsPer15m;
    // `restarts` restarts a minute apart from minute 6 on; the last one must
    // still be in the 15m window when the rule's `for` has run out.
    const start = 6;
    const { at, length, f } = timing("ContainerRestarting", start + Math.ceil(restarts) - 1);
    if (Math.ceil(restarts) + f + 2 >= 15)
      throw new Error(`ContainerRestarting: ${restarts} restarts and for ${f}m do not fit a 15m window: tune the test`);
    const startTimes = (count: number) => {
      const moves = Array.from({ length: count }, (_, i) => [1_700_000_060 + 60 * (start + i), 1] as const);
      return steps([1_700_000_000, start], ...moves, [1_700_000_060 + 60 * (start + count - 1), length - start - count + 1]);
    };
    const fewer = Math.ceil(restarts) - 1;
    return [
      {
        name: `nats-node2 restarted ${Math.ceil(restarts)} time(s) from minute ${start} on`,
        series: container("container_start_time_seconds", 2, "aaa", startTimes(Math.ceil(restarts))),
        at: m(at),
        expect: [{ labels: containerOut(2), value: Math.ceil(restarts) }],
      },
      {
        name: fewer === 0 ? "no restart" : `${fewer} restart(s) only`,
        series: container("container_start_time_seconds", 2, "aaa", fewer === 0 ? run(1_700_000_000, length) : startTimes(fewer)),
        at: m(at),
        expect: [],
      },
      {
        name: "nats-node2 replaced by a deploy: a new container id, a new series",
        series: {
          ...container("container_start_time_seconds", 2, "aaa", steps([1_700_000_000, start], ["_", length - start])),
          ...container("container_start_time_seconds", 2, "bbb", steps(["_", start], [1_700_000_400, length - start])),
        },
        at: m(at),
        expect: [],
      },
    ];
  });
  define("ContainerOomKilled", () => {
    // From minute 20 on, so that the `offset 15m` of the new-series branch
    // looks at minutes that have samples.
    const { at, length } = timing("ContainerOomKilled", 20);
    const oom = (values: string) => container("container_oom_events_total", 2, "aaa", values);
    return [
      {
        name: "a process of nats-node2 killed at minute 20",
        series: oom(steps([0, 20], [1, length - 20])),
        at: m(at),
        expect: [{ labels: containerOut(2) }],
      },
      {
        name: "nats-node2 first seen with a kill already counted",
        series: oom(steps(["_", 20], [1, length - 20])),
        at: m(at),
        expect: [{ labels: containerOut(2) }],
      },
      { name: "no kill", series: oom(run(0, length)), at: m(at), expect: [] },
      { name: "two kills long before the window", series: oom(run(2, length)), at: m(at), expect: [] },
    ];
  });

  // Prometheus and Alertmanager.
  const counterCases = (alert: string, metric: string, labels: Record<string, string>, what: string): AlertTests => {
    const { at, length } = timing(alert, 6);
    return [
      {
        name: `${what} a minute from minute 6 on`,
        series: { [series(metric, labels)]: `${steps([0, 6])} 1+1x${length - 6}` },
        at: m(at),
        expect: [{ labels }],
      },
      { name: `no ${what}`, series: { [series(metric, labels)]: run(3, length) }, at: m(at), expect: [] },
    ];
  };
  define("PrometheusRuleEvaluationFailures", () =>
    counterCases(
      "PrometheusRuleEvaluationFailures",
      "prometheus_rule_evaluation_failures_total",
      { ...PROMETHEUS, rule_group: "/etc/prometheus/rules/x.yml;nats" },
      "a failed evaluation",
    ),
  );
  define("PrometheusTSDBCompactionsFailing", () =>
    counterCases("PrometheusTSDBCompactionsFailing", "prometheus_tsdb_compactions_failed_total", PROMETHEUS, "a failed compaction"),
  );
  define("PrometheusTSDBWALCorruptions", () =>
    counterCases("PrometheusTSDBWALCorruptions", "prometheus_tsdb_wal_corruptions_total", PROMETHEUS, "a WAL corruption"),
  );
  const reloadCases = (alert: string, metric: string, labels: Record<string, string>): AlertTests => {
    // max_over_time over 5 minutes: the condition holds from minute 11.
    const { at, length } = timing(alert, 11);
    return [
      {
        name: "the reload at minute 6 failed",
        series: { [series(metric, labels)]: steps([1, 6], [0, length - 6]) },
        at: m(at),
        expect: [{ labels }],
      },
      {
        name: "a failed reload fixed after two minutes",
        series: { [series(metric, labels)]: steps([1, 6], [0, 2], [1, length - 8]) },
        at: m(at),
        expect: [],
      },
    ];
  };
  define("PrometheusConfigReloadFailed", () =>
    reloadCases("PrometheusConfigReloadFailed", "prometheus_config_last_reload_successful", PROMETHEUS),
  );
  define("AlertmanagerConfigReloadFailed", () =>
    reloadCases("AlertmanagerConfigReloadFailed", "alertmanager_config_last_reload_successful", ALERTMANAGER),
  );
  define("PrometheusStorageFillingUp", () => prometheusStorageCases("PrometheusStorageFillingUp", "warning", t.fillingUpHours));
  define("PrometheusStorageFillingUpFast", () =>
    prometheusStorageCases("PrometheusStorageFillingUpFast", "critical", t.fillingUpCriticalHours),
  );
  define("PrometheusNotConnectedToAlertmanagers", () => {
    const { at, length } = timing("PrometheusNotConnectedToAlertmanagers", 11);
    const discovered = (values: string) => ({ [series("prometheus_notifications_alertmanagers_discovered", PROMETHEUS)]: values });
    return [
      {
        name: "Alertmanager vanished at minute 6",
        series: discovered(steps([1, 6], [0, length - 6])),
        at: m(at),
        expect: [{ labels: PROMETHEUS }],
      },
      { name: "one Alertmanager known", series: discovered(run(1, length)), at: m(at), expect: [] },
    ];
  });
  const failureCases = (
    alert: string,
    failed: string,
    total: string,
    labels: Record<string, string>,
    failedLabels: Record<string, string>,
  ): AlertTests => {
    const { at, length } = timing(alert, 6);
    const input = (failuresPerMinute: number) => ({
      [series(total, labels)]: `0+100x${length}`,
      [series(failed, failedLabels)]: `0+${num(failuresPerMinute)}x${length}`,
    });
    const ratio = 5 * t.notificationFailureRatio;
    return [
      { name: `${num(ratio * 100)}% of the notifications fail`, series: input(100 * ratio), at: m(at), expect: [{ labels, value: ratio }] },
      { name: `${num(t.notificationFailureRatio * 50)}% fail`, series: input(50 * t.notificationFailureRatio), at: m(at), expect: [] },
    ];
  };
  define("PrometheusNotificationsFailing", () => {
    const labels = { ...PROMETHEUS, alertmanager: `http://${CONTAINER_NAMES.alertmanager}:${CONTAINER_PORTS.alertmanager}/api/v2/alerts` };
    return failureCases(
      "PrometheusNotificationsFailing",
      "prometheus_notifications_errors_total",
      "prometheus_notifications_sent_total",
      labels,
      labels,
    );
  });
  define("AlertmanagerNotificationsFailing", () => {
    const labels = { ...ALERTMANAGER, integration: "webhook" };
    return failureCases(
      "AlertmanagerNotificationsFailing",
      "alertmanager_notifications_failed_total",
      "alertmanager_notifications_total",
      labels,
      {
        ...labels,
        reason: "serverError",
      },
    );
  });
  return cases;
}

/** The cases of the default rules (alerts/generated/*.test.yml). */
export const NATS_ALERT_TESTS: Readonly<Record<string, AlertTests>> = natsAlertTests(NATS_ALERT_GROUPS, DEFAULT_ALERT_CONFIG);

import { SCRAPE_JOBS } from "../contract/index.js";
import type { Severity } from "./rule-types.js";

/**
 * Thresholds of the rules, each with the value the project ships. A ratio is
 * a share of a limit (0.8 = 80%); counts are per server unless said otherwise.
 */
export interface AlertThresholds {
  /** Guide: "more than 1000 connections: consider load balancing". Client connections per server. @default 1000 */
  readonly connectionsPerServer?: number;
  /** Guide: "JetStream memory use above 80%: add resources". A ratio of max_memory_store. @default 0.8 */
  readonly jetStreamMemoryRatio?: number;
  /** The same advice for the file store: a ratio of max_file_store. @default 0.8 */
  readonly jetStreamStorageRatio?: number;
  /** A file store this full makes publishes fail soon: a ratio of max_file_store, above `jetStreamStorageRatio`. @default 0.95 */
  readonly jetStreamStorageCriticalRatio?: number;
  /** Guide: "watch the backlog of unprocessed messages". Messages not yet delivered to one consumer. @default 1000 */
  readonly consumerPendingMessages?: number;
  /** JetStream API errors per server in 10 minutes; a few are normal (lookups of missing streams). @default 10 */
  readonly jetStreamApiErrorsPer10m?: number;
  /**
   * JetStream API requests waiting on one server. nats-server drops queued API
   * requests at its request_queue_limit (10000 by default); this warns at a tenth of it.
   * @default 1000
   */
  readonly jetStreamApiPending?: number;
  /** The critical level of the same backlog, half the default request_queue_limit; above `jetStreamApiPending`. @default 5000 */
  readonly jetStreamApiPendingCritical?: number;
  /** Bytes waiting to be sent over one route for longer than the rule's `for`: the peer reads too slowly. @default 1048576 */
  readonly routePendingBytes?: number;
  /** Warn when a store (JetStream files, Prometheus's retention size) is predicted full within this many hours. @default 24 */
  readonly fillingUpHours?: number;
  /** Page when a store is predicted full within this many hours; below `fillingUpHours`. @default 4 */
  readonly fillingUpCriticalHours?: number;
  /** Share of notifications that Prometheus or Alertmanager may fail to send before an alert fires. @default 0.01 */
  readonly notificationFailureRatio?: number;
  /** Restarts of one container within 15 minutes that fire ContainerRestarting (with `expectContainerMetrics`). @default 1 */
  readonly containerRestartsPer15m?: number;
}

/**
 * The tunable part of the NATS rules, mixin style (like kubernetes-mixin's
 * `_config`): every key is optional and the defaults are what the project
 * ships. Plain data, so it can come from cdktf.json context, a JSON file
 * (`npm run mixin -- --config FILE`) or code.
 */
export interface AlertRulesConfig {
  /** PromQL label matchers that select Surveyor's series. @default 'job="nats-surveyor"' */
  readonly surveyorSelector?: string;
  /** Label matchers that select prometheus-nats-exporter's series. @default 'job="nats-exporter"' */
  readonly exporterSelector?: string;
  /** Label matchers that select Prometheus's own series. @default 'job="prometheus"' */
  readonly prometheusSelector?: string;
  /** Label matchers that select Alertmanager's series. @default 'job="alertmanager"' */
  readonly alertmanagerSelector?: string;
  /** Label matchers that select Loki's series (the log pipeline rule). @default 'job="loki"' */
  readonly lokiSelector?: string;
  /**
   * Label matchers of the monitoring parts whose scrapes MonitoringTargetDown watches.
   * @default 'job=~"prometheus|alertmanager|loki|alloy|promtail|grafana"'
   */
  readonly monitoringSelector?: string;
  /** Label matchers that select cAdvisor's series (the container rules). @default 'job="cadvisor"' */
  readonly cadvisorSelector?: string;
  /** Thresholds of the rules; unset keys keep their defaults. @default the values documented on AlertThresholds */
  readonly thresholds?: AlertThresholds;
  /** `for` of single alerts by name, e.g. `{ NatsServerDown: "5m" }`. @default each rule's own */
  readonly for?: { readonly [alert: string]: string };
  /** Severity of single alerts by name, e.g. `{ NatsTooManyConnections: "info" }`. @default each rule's own */
  readonly severities?: { readonly [alert: string]: Severity };
  /** Labels added to every alert, e.g. `{ team: "messaging" }` for Alertmanager routing. @default none */
  readonly extraLabels?: { readonly [label: string]: string };
  /** Alerts left out, by name. @default none */
  readonly disabledAlerts?: readonly string[];
  /**
   * Where the alerts are documented: each alert's `runbook_url` is this URL
   * plus `#` and the alert's name in lower case (the rules table has an anchor per alert).
   * The project has no canonical public URL (package.json names no repository), so the default is
   * the rules page's path relative to the repository: fine for links read in the repository, useless
   * inside Alertmanager or Grafana. Set it to the full URL of docs/alerts-and-dashboards.md in your
   * copy of the repository (e.g. `https://github.com/ORG/REPO/blob/main/docs/alerts-and-dashboards.md`).
   * @default "docs/alerts-and-dashboards.md", the rules page, relative to the repository
   */
  readonly runbookUrlBase?: string;
  /**
   * Include the rules about Alertmanager: Prometheus connected to one, notifications failing,
   * its config reloads. `PrometheusStack` sets it when it runs an Alertmanager; the Kubernetes
   * preset of `renderMixin` sets it too.
   * @default false, as the default stack runs no Alertmanager
   */
  readonly expectAlertmanager?: boolean;
  /** Include the rule that watches the log pipeline through Loki's metrics. @default true */
  readonly expectLoki?: boolean;
  /**
   * Include the container rules (ContainerRestarting, ContainerOomKilled),
   * which read cAdvisor's series. `PrometheusStack` sets it when it scrapes
   * the stack's `cadvisor` part.
   * @default false, as cAdvisor is opt-in
   */
  readonly expectContainerMetrics?: boolean;
  /**
   * Include NatsHostUnreachable, which reads the `host` label of the per-host
   * agents of a stack over several Docker hosts. `PrometheusStack` sets it
   * when a scrape job labels its targets with their host.
   * @default false, as a stack runs on one host unless `hosts` says otherwise
   */
  readonly expectHosts?: boolean;
}

/** A config with every key set. */
export interface ResolvedAlertConfig {
  readonly surveyorSelector: string;
  readonly exporterSelector: string;
  readonly prometheusSelector: string;
  readonly alertmanagerSelector: string;
  readonly lokiSelector: string;
  readonly monitoringSelector: string;
  readonly cadvisorSelector: string;
  readonly thresholds: Required<AlertThresholds>;
  readonly for: Readonly<Record<string, string>>;
  readonly severities: Readonly<Record<string, Severity>>;
  readonly extraLabels: Readonly<Record<string, string>>;
  readonly disabledAlerts: readonly string[];
  readonly runbookUrlBase: string;
  readonly expectAlertmanager: boolean;
  readonly expectLoki: boolean;
  readonly expectContainerMetrics: boolean;
  readonly expectHosts: boolean;
}

/** The thresholds the project ships. */
export const DEFAULT_THRESHOLDS: Required<AlertThresholds> = {
  connectionsPerServer: 1000,
  jetStreamMemoryRatio: 0.8,
  jetStreamStorageRatio: 0.8,
  jetStreamStorageCriticalRatio: 0.95,
  consumerPendingMessages: 1000,
  jetStreamApiErrorsPer10m: 10,
  jetStreamApiPending: 1000,
  jetStreamApiPendingCritical: 5000,
  routePendingBytes: 1048576,
  fillingUpHours: 24,
  fillingUpCriticalHours: 4,
  notificationFailureRatio: 0.01,
  containerRestartsPer15m: 1,
};

/** Where the rules table lives, relative to the repository; the default runbook base. */
export const ALERTS_DOCS_PAGE = "docs/alerts-and-dashboards.md";

/** The config the project ships: what `PrometheusStack` uses without `alertConfig`. */
export const DEFAULT_ALERT_CONFIG: ResolvedAlertConfig = {
  surveyorSelector: `job="${SCRAPE_JOBS.surveyor}"`,
  exporterSelector: `job="${SCRAPE_JOBS.exporter}"`,
  prometheusSelector: `job="${SCRAPE_JOBS.prometheus}"`,
  alertmanagerSelector: `job="${SCRAPE_JOBS.alertmanager}"`,
  lokiSelector: `job="${SCRAPE_JOBS.loki}"`,
  monitoringSelector: `job=~"${[SCRAPE_JOBS.prometheus, SCRAPE_JOBS.alertmanager, SCRAPE_JOBS.loki, SCRAPE_JOBS.alloy, SCRAPE_JOBS.promtail, SCRAPE_JOBS.grafana].join("|")}"`,
  cadvisorSelector: `job="${SCRAPE_JOBS.cadvisor}"`,
  thresholds: DEFAULT_THRESHOLDS,
  for: {},
  severities: {},
  extraLabels: {},
  disabledAlerts: [],
  runbookUrlBase: ALERTS_DOCS_PAGE,
  expectAlertmanager: false,
  expectLoki: true,
  expectContainerMetrics: false,
  expectHosts: false,
};

/**
 * `overrides` on top of the defaults (thresholds key by key). It does not
 * validate: check `alertConfigProblems()` first.
 */
export function resolveAlertConfig(overrides: AlertRulesConfig = {}): ResolvedAlertConfig {
  const d = DEFAULT_ALERT_CONFIG;
  return {
    surveyorSelector: overrides.surveyorSelector ?? d.surveyorSelector,
    exporterSelector: overrides.exporterSelector ?? d.exporterSelector,
    prometheusSelector: overrides.prometheusSelector ?? d.prometheusSelector,
    alertmanagerSelector: overrides.alertmanagerSelector ?? d.alertmanagerSelector,
    lokiSelector: overrides.lokiSelector ?? d.lokiSelector,
    monitoringSelector: overrides.monitoringSelector ?? d.monitoringSelector,
    cadvisorSelector: overrides.cadvisorSelector ?? d.cadvisorSelector,
    thresholds: { ...d.thresholds, ...overrides.thresholds },
    for: { ...overrides.for },
    severities: { ...overrides.severities },
    extraLabels: { ...overrides.extraLabels },
    disabledAlerts: [...(overrides.disabledAlerts ?? [])],
    runbookUrlBase: overrides.runbookUrlBase ?? d.runbookUrlBase,
    expectAlertmanager: overrides.expectAlertmanager ?? d.expectAlertmanager,
    expectLoki: overrides.expectLoki ?? d.expectLoki,
    expectContainerMetrics: overrides.expectContainerMetrics ?? d.expectContainerMetrics,
    expectHosts: overrides.expectHosts ?? d.expectHosts,
  };
}

/**
 * Merges two partial configs, `top` winning key by key (thresholds, `for`,
 * severities and labels merged, disabled alerts joined): a preset under the
 * user's own overrides.
 */
export function mergeAlertConfigs(base: AlertRulesConfig, top: AlertRulesConfig): AlertRulesConfig {
  return {
    ...base,
    ...top,
    thresholds: { ...base.thresholds, ...top.thresholds },
    for: { ...base.for, ...top.for },
    severities: { ...base.severities, ...top.severities },
    extraLabels: { ...base.extraLabels, ...top.extraLabels },
    disabledAlerts: [...(base.disabledAlerts ?? []), ...(top.disabledAlerts ?? [])],
  };
}

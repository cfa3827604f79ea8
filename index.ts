/**
 * The library's public API, and nothing else: what a user composes a stack
 * from. Every name here is a promise across releases; helpers (validation,
 * units, host-port bookkeeping, escapes, the config renderers in
 * constructs/config/, the Alloy and nats.conf writers in constructs/private/)
 * are internal and may change at any time. __tests__/package/public-api.test.ts
 * lists these exports and fails on an unintended addition.
 *
 * What is public, and why:
 * - the constructs, their props and the interfaces that wire them
 *   (IScrapeable, IDataSource, ServiceBaseProps, DockerService's specs, so a
 *   user can add a service of their own to the same network and Prometheus);
 * - DEFAULT_IMAGES, the pinned images a user overrides or mirrors;
 * - PropValidationError, the class of every synth-time error about a prop or
 *   a setting (its constructPath, prop and value say which), so an app can
 *   tell a bad setting from a bug; the checks that throw it stay internal;
 * - alert rules as data (types, the project's groups, thresholds, tests and
 *   inhibit rules) to extend or replace `alertRules`, and as a mixin: the
 *   rules and their promtool cases as functions of a typed config
 *   (`natsAlertGroups`, `natsAlertTests`, `AlertRulesConfig`), and
 *   `renderMixin` with its presets to export rules (rule file, PrometheusRule)
 *   and dashboards for Prometheus setups outside the stack;
 * - the dashboard builders and selectors and the project's dashboards, to
 *   build `additionalDashboards` that look and filter like the project's;
 * - from contract/, the names a user's own queries, dashboards and scripts
 *   must match: output names, Grafana uids, scrape jobs, log labels, jobs and
 *   levels, container labels and components, and the metric catalog. Ports,
 *   container names and the other contract values stay internal: the props
 *   (`hostPort`, `namePrefix`, ...) and the constructs' URL properties are
 *   how a user reaches them.
 */

// Alert rules as data.
export {
  type AlertRulesConfig,
  type AlertThresholds,
  DEFAULT_ALERT_CONFIG,
  type ResolvedAlertConfig,
  resolveAlertConfig,
} from "./alerts/config.js";
export { type AlertConfigProblem, alertConfigProblems } from "./alerts/config-validation.js";
export { type InhibitRule, NATS_INHIBIT_RULES } from "./alerts/inhibit-rules.js";
export { MIXIN_PATHS, type MixinOptions, renderMixin } from "./alerts/mixin.js";
export { type MixinPreset, type NatsHelmPresetOptions, natsHelmPreset } from "./alerts/mixin-presets.js";
export { NATS_ALERT_TESTS, natsAlertTests } from "./alerts/nats-rule-tests.js";
export { NATS_ALERT_GROUPS, natsAlertGroups, THRESHOLDS } from "./alerts/nats-rules.js";
export type { AlertRule, AlertRuleGroup, AlertTestCase, AlertTests, ExpectedAlert, Severity } from "./alerts/rule-types.js";
// Constructs, their props and the interfaces that wire them.
export type {
  EmailNotificationProps,
  NotifiedSeverity,
  PagerDutyNotificationProps,
  SlackNotificationProps,
} from "./constructs/alert-receivers.js";
export { Alertmanager, type AlertmanagerProps } from "./constructs/alertmanager.js";
export { Cadvisor, type CadvisorProps } from "./constructs/cadvisor.js";
export type { DataSourceSpec, IDataSource } from "./constructs/data-source.js";
export type { DockerHostSettings } from "./constructs/docker-hosts.js";
export {
  type DeviceMount,
  DockerService,
  type DockerServiceProps,
  type HealthcheckSpec,
  type HostMount,
  type PublishedPort,
  type UploadedFile,
  type VolumeMount,
} from "./constructs/docker-service.js";
export { Grafana, type GrafanaProps } from "./constructs/grafana.js";
export { DEFAULT_IMAGES } from "./constructs/images.js";
export { LogCollector, type LogCollectorKind, type LogCollectorProps } from "./constructs/log-collector.js";
export { LokiStack, type LokiStackProps } from "./constructs/loki-stack.js";
export { NatsBox, type NatsBoxProps } from "./constructs/nats-box.js";
export { NatsCluster, type NatsClusterProps, type NatsNodeHost } from "./constructs/nats-cluster.js";
export { type ExporterJsz, NatsExporter, type NatsExporterProps } from "./constructs/nats-exporter.js";
export { NatsMonitoringStack, type NatsMonitoringStackProps, type PartProps } from "./constructs/nats-monitoring-stack.js";
export { NodeExporter, type NodeExporterProps } from "./constructs/node-exporter.js";
// What a service needs back from the locked-down baseline (DockerServiceProps.hardening).
export type { ContainerHardening } from "./constructs/private/container-hardening.js";
// The error every construct throws for a bad prop (or bad settings), to tell it apart from other failures.
export { PropValidationError } from "./constructs/private/validation.js";
export { type PrometheusAlertmanagerProps, PrometheusStack, type PrometheusStackProps } from "./constructs/prometheus-stack.js";
export type { RegistryAuth } from "./constructs/registry-auth.js";
export type { IScrapeable, ScrapeTarget } from "./constructs/scrape-target.js";
export type { ServiceBaseProps } from "./constructs/service-props.js";
export {
  SURVEYOR_JSZ_METRICS_READ,
  Surveyor,
  type SurveyorJsz,
  type SurveyorJszMetric,
  type SurveyorProps,
} from "./constructs/surveyor.js";
// Shared names (contract/) that users' own queries, dashboards and scripts match.
export { CADVISOR_LABELS, COMPONENTS, LABELS } from "./contract/container-labels.js";
export { DASHBOARD_UIDS, DATA_SOURCE_UIDS } from "./contract/grafana-uids.js";
export { ERROR_LOG_LEVELS, LOG_JOBS, LOG_LABELS, NATS_LOG_LEVELS } from "./contract/log-labels.js";
export { type CatalogMetric, catalogMetric, isKnownMetric, METRIC_CATALOG, type MetricSource } from "./contract/metric-catalog.js";
export { OUTPUT_NAMES, OUTPUTS, type OutputName } from "./contract/outputs.js";
export { SCRAPE_JOBS } from "./contract/scrape-jobs.js";
// Dashboards as code.
export {
  barGaugePanel,
  type DashboardDataSource,
  type DashboardJson,
  type DashboardSection,
  dataSourceRef,
  dataSourceVariable,
  layOut,
  lokiQuery,
  newDashboard,
  type PanelText,
  type PlacedPanel,
  type PositionablePanel,
  promQuery,
  queryVariable,
  statPanel,
  thresholdSteps,
  timeseriesPanel,
} from "./dashboards/common.js";
export { type ClusterDashboardOptions, natsJetStreamClusterDashboard } from "./dashboards/nats-jetstream-cluster.js";
export { natsLogsDashboard } from "./dashboards/nats-logs.js";
export { type ProjectDashboardSources, projectDashboards } from "./dashboards/project-dashboards.js";
export { DASHBOARD_VARIABLES, logStreamSelector, metricSelector } from "./dashboards/selectors.js";

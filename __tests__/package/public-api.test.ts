import { describe, expect, it } from "vitest";
import * as api from "../../index.js";
import { exportedNames } from "../helpers/api-surface.js";

/**
 * The package's public API, name for name. Adding an export to index.ts is a
 * promise to users: make it here on purpose, next to the reason in index.ts's
 * comment. Helpers (constructs/private/, constructs/config/ renderers,
 * validation, escapes) must not leak through.
 */

/** Values: constructs, data, functions. */
const PUBLIC_VALUES = [
  "Alertmanager",
  "CADVISOR_LABELS",
  "Cadvisor",
  "COMPONENTS",
  "DEFAULT_ALERT_CONFIG",
  "DASHBOARD_UIDS",
  "DASHBOARD_VARIABLES",
  "DATA_SOURCE_UIDS",
  "DEFAULT_IMAGES",
  "DockerService",
  "ERROR_LOG_LEVELS",
  "Grafana",
  "LABELS",
  "LOG_JOBS",
  "LOG_LABELS",
  "LogCollector",
  "LokiStack",
  "METRIC_CATALOG",
  "MIXIN_PATHS",
  "NATS_ALERT_GROUPS",
  "NATS_ALERT_TESTS",
  "NATS_INHIBIT_RULES",
  "alertConfigProblems",
  "natsAlertGroups",
  "natsAlertTests",
  "natsHelmPreset",
  "renderMixin",
  "resolveAlertConfig",
  "NATS_LOG_LEVELS",
  "NatsBox",
  "NatsCluster",
  "NatsExporter",
  "NatsMonitoringStack",
  "NodeExporter",
  "OUTPUTS",
  "OUTPUT_NAMES",
  "PrometheusStack",
  "PropValidationError",
  "SCRAPE_JOBS",
  "SURVEYOR_JSZ_METRICS_READ",
  "Surveyor",
  "THRESHOLDS",
  "barGaugePanel",
  "catalogMetric",
  "dataSourceRef",
  "dataSourceVariable",
  "isKnownMetric",
  "layOut",
  "logStreamSelector",
  "lokiQuery",
  "metricSelector",
  "natsJetStreamClusterDashboard",
  "natsLogsDashboard",
  "newDashboard",
  "projectDashboards",
  "promQuery",
  "queryVariable",
  "statPanel",
  "thresholdSteps",
  "timeseriesPanel",
];

/** Types and interfaces, which exist only for the compiler. */
const PUBLIC_TYPES = [
  "AlertConfigProblem",
  "AlertRulesConfig",
  "AlertThresholds",
  "MixinOptions",
  "MixinPreset",
  "NatsHelmPresetOptions",
  "ResolvedAlertConfig",
  "AlertRule",
  "AlertRuleGroup",
  "AlertTestCase",
  "AlertTests",
  "AlertmanagerProps",
  "CatalogMetric",
  "ContainerHardening",
  "DashboardDataSource",
  "DashboardJson",
  "DashboardSection",
  "DataSourceSpec",
  "DockerServiceProps",
  "EmailNotificationProps",
  "ExpectedAlert",
  "NotifiedSeverity",
  "PagerDutyNotificationProps",
  "SlackNotificationProps",
  "ExporterJsz",
  "DockerHostSettings",
  "GrafanaProps",
  "HealthcheckSpec",
  "DeviceMount",
  "HostMount",
  "IDataSource",
  "IScrapeable",
  "CadvisorProps",
  "ClusterDashboardOptions",
  "InhibitRule",
  "LogCollectorKind",
  "LogCollectorProps",
  "LokiStackProps",
  "MetricSource",
  "NatsBoxProps",
  "NatsClusterProps",
  "NatsExporterProps",
  "NatsMonitoringStackProps",
  "NatsNodeHost",
  "NodeExporterProps",
  "OutputName",
  "PanelText",
  "PartProps",
  "PlacedPanel",
  "PositionablePanel",
  "ProjectDashboardSources",
  "PrometheusAlertmanagerProps",
  "PrometheusStackProps",
  "PublishedPort",
  "RegistryAuth",
  "ScrapeTarget",
  "ServiceBaseProps",
  "Severity",
  "SurveyorJsz",
  "SurveyorJszMetric",
  "SurveyorProps",
  "UploadedFile",
  "VolumeMount",
];

describe("the public API (index.ts)", () => {
  it("exports exactly these values at run time", () => {
    expect(Object.keys(api).sort()).toEqual([...PUBLIC_VALUES].sort());
  });

  it("exports exactly these names to TypeScript, types included", () => {
    expect(exportedNames().sort()).toEqual([...PUBLIC_VALUES, ...PUBLIC_TYPES].sort());
  });

  it("keeps helpers private", () => {
    const names = exportedNames();
    for (const helper of [
      "propError",
      "requirePort",
      "parseDuration",
      "escapeTerraform",
      "hostUrl",
      "claimHostPort",
      "sharedImage",
      "dataVolume",
      "renderNatsServerConf",
      "renderPrometheusConfig",
      "formatAlloy",
      "resolveServiceBase",
      "CONTAINER_PORTS",
    ]) {
      expect(names, helper).not.toContain(helper);
    }
  });
});

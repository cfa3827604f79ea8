import type { AlertRulesConfig } from "./config.js";

/** Where the rules run: this project's Docker stack, or Kubernetes with the official nats and surveyor Helm charts. */
export type MixinPreset = "docker" | "nats-helm";

/** The names of a Kubernetes install of the official charts (nats-io/k8s helm/charts/nats and helm/charts/surveyor). */
export interface NatsHelmPresetOptions {
  /** Namespace of the nats release (the PodMonitor's namespace). @default "nats" */
  readonly namespace?: string;
  /** Release name of the nats chart. @default "nats" */
  readonly natsRelease?: string;
  /** Release name of the surveyor chart. @default "surveyor" */
  readonly surveyorRelease?: string;
}

/** Helm's default fullname: the release name when it contains the chart name, else `<release>-<chart>`. */
function fullname(release: string, chart: string): string {
  return release.includes(chart) ? release : `${release}-${chart}`;
}

/**
 * Alerts the preset leaves out on Kubernetes:
 * - NatsServerUnhealthy reads the exporter's `gnatsd_healthz_status`, but the
 *   chart's exporter sidecar runs without `-healthz` and with `-prefix=nats`
 *   (helm/charts/nats/files/stateful-set/prom-exporter-container.yaml);
 * - the Watchdog, InfoInhibitor and the Prometheus and Alertmanager rules:
 *   kube-prometheus ships its own (prometheus-mixin, alertmanager-mixin, general.rules);
 * - MonitoringTargetDown and LogPipelineSilent watch this stack's own parts;
 * - NatsHostUnreachable reads the `host` label of this stack's per-host agents
 *   (kube-prometheus's KubeNodeNotReady watches nodes there).
 */
export const HELM_PRESET_DISABLED_ALERTS = [
  "NatsServerUnhealthy",
  "Watchdog",
  "InfoInhibitor",
  "MonitoringTargetDown",
  "LogPipelineSilent",
  "NatsHostUnreachable",
  "PrometheusRuleEvaluationFailures",
  "PrometheusConfigReloadFailed",
  "PrometheusTSDBCompactionsFailing",
  "PrometheusTSDBWALCorruptions",
  "PrometheusStorageFillingUp",
  "PrometheusStorageFillingUpFast",
  "PrometheusNotConnectedToAlertmanagers",
  "PrometheusNotificationsFailing",
  "AlertmanagerConfigReloadFailed",
  "AlertmanagerNotificationsFailing",
] as const;

/**
 * The job names Prometheus gives the official charts' targets under the
 * Prometheus Operator:
 * - the nats chart's exporter sidecar (`promExporter.enabled`, port
 *   prom-metrics) is scraped through a PodMonitor (`promExporter.podMonitor`),
 *   whose job label defaults to `<namespace>/<PodMonitor name>`; the
 *   PodMonitor is named after the release's fullname;
 * - the surveyor chart's ServiceMonitor (`serviceMonitor.enabled`) scrapes its
 *   Service, and a ServiceMonitor's job label defaults to the Service's name,
 *   the release's fullname.
 * Series keep Surveyor's own labels (server_name is the pod name, which the
 * chart sets as server_name), and the Operator adds namespace, pod and
 * service labels.
 */
export function natsHelmPreset(options: NatsHelmPresetOptions = {}): AlertRulesConfig {
  const namespace = options.namespace ?? "nats";
  const nats = fullname(options.natsRelease ?? "nats", "nats");
  const surveyor = fullname(options.surveyorRelease ?? "surveyor", "surveyor");
  return {
    surveyorSelector: `job="${surveyor}"`,
    exporterSelector: `job="${namespace}/${nats}"`,
    expectAlertmanager: false,
    expectLoki: false,
    disabledAlerts: [...HELM_PRESET_DISABLED_ALERTS],
  };
}

/** The config a preset starts from; the user's config is merged on top. */
export function presetConfig(preset: MixinPreset, helm: NatsHelmPresetOptions = {}): AlertRulesConfig {
  return preset === "nats-helm" ? natsHelmPreset(helm) : {};
}

/**
 * The Terraform outputs NatsMonitoringStack defines and natsmon reads
 * (`terraform output -json`), by what they hold.
 */
export const OUTPUTS = {
  natsUrl: "nats_url",
  natsServers: "nats_servers",
  natsSystemUser: "nats_system_user",
  natsSystemPassword: "nats_system_password",
  natsAppUser: "nats_app_user",
  natsAppPassword: "nats_app_password",
  natsCaCert: "nats_ca_cert",
  surveyorUrl: "surveyor_url",
  exporterUrl: "exporter_url",
  prometheusUrl: "prometheus_url",
  alertmanagerUrl: "alertmanager_url",
  lokiUrl: "loki_url",
  grafanaUrl: "grafana_url",
  grafanaAdminUser: "grafana_admin_user",
  grafanaAdminPassword: "grafana_admin_password",
  dataVolumes: "data_volumes",
  parts: "parts",
} as const;

/** One of the stack's output names. */
export type OutputName = (typeof OUTPUTS)[keyof typeof OUTPUTS];

/** Every output name, in the order the stack declares them. */
export const OUTPUT_NAMES: readonly OutputName[] = Object.values(OUTPUTS);

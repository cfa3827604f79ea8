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
  /** Only on a stack over several Docker hosts: each host's engine, address, nodes, exporter and volumes ({@link HostOutput}). */
  hosts: "hosts",
} as const;

/**
 * One host's entry in the `hosts` output, by host name: what natsmon needs
 * to check each host's parts and to say which host a failing part is on.
 */
export interface HostOutput {
  /** The engine address Terraform's provider for this host uses (ssh://, tcp:// or unix://). */
  readonly docker_host: string;
  /** The address the other hosts reach this one on. */
  readonly address: string;
  /** Whether Prometheus, Loki, Grafana, Surveyor and Alertmanager run here. */
  readonly monitoring: boolean;
  /** The NATS servers (container names) on this host. */
  readonly nats_servers: readonly string[];
  /** Their client URLs on this host's address, in the same order. */
  readonly nats_urls: readonly string[];
  /** This host's prometheus-nats-exporter, on its address; absent without NATS nodes or exporter. */
  readonly exporter_url?: string;
  /** The data volumes on this host's engine. */
  readonly data_volumes: readonly string[];
}

/** One of the stack's output names. */
export type OutputName = (typeof OUTPUTS)[keyof typeof OUTPUTS];

/** Every output name, in the order the stack declares them. */
export const OUTPUT_NAMES: readonly OutputName[] = Object.values(OUTPUTS);

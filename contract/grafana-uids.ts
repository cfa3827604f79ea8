/**
 * Fixed Grafana uids: the provisioned data sources (dashboards refer to them
 * by default) and the project's dashboards and folder (natsmon check looks
 * them up over Grafana's API).
 */
export const DATA_SOURCE_UIDS = {
  prometheus: "prometheus",
  loki: "loki",
} as const;

/** The display names of the provisioned data sources (the dashboards' data source pickers show them). */
export const DATA_SOURCE_NAMES = {
  prometheus: "Prometheus",
  loki: "Loki",
} as const;

/** The project's dashboards. */
export const DASHBOARD_UIDS = {
  natsJetStreamCluster: "nats-jetstream-cluster",
  natsLogs: "nats-logs",
} as const;

/** The folder the project's dashboards are provisioned into. */
export const DASHBOARD_FOLDER_UID = "nats";

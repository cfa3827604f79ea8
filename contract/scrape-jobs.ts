/**
 * Prometheus `job` label values of every scrape target the stack configures.
 * Alert rules, dashboards and the rule tests select on them, so a renamed job
 * is one change here.
 */
export const SCRAPE_JOBS = {
  surveyor: "nats-surveyor",
  exporter: "nats-exporter",
  prometheus: "prometheus",
  alertmanager: "alertmanager",
  loki: "loki",
  alloy: "alloy",
  promtail: "promtail",
  grafana: "grafana",
  nodeExporter: "node-exporter",
  cadvisor: "cadvisor",
} as const;

/**
 * Pinned default images. Every construct takes an `image` prop to override
 * its entry, e.g. to pull from a private registry.
 */
export const DEFAULT_IMAGES = {
  /** nats-server 2.14.9; busybox wget for the healthcheck. */
  nats: "nats:2.14.9-alpine",
  /** The `nats` CLI for operators. */
  natsBox: "natsio/nats-box:0.19.7",
  /** Loki 3.7 (distroless, runs as UID 10001; `loki -health`, there since 3.6.5, for the healthcheck). */
  loki: "grafana/loki:3.7.8",
  /** The default log collector; Ubuntu-based, runs as root to read the Docker socket. */
  alloy: "grafana/alloy:v1.21.2",
  /** The opt-in collector: the last Promtail, end of life since 2026-03-02. */
  promtail: "grafana/promtail:3.6.11",
  /** Grafana 13.2 on Alpine: busybox wget for the healthcheck (the -ubuntu and -distroless variants have none). */
  grafana: "grafana/grafana:13.2.3",
  /** NATS Surveyor; alpine, busybox wget for the healthcheck. */
  surveyor: "natsio/nats-surveyor:0.9.10",
  /** prometheus-nats-exporter; alpine, busybox wget for the healthcheck. */
  natsExporter: "natsio/prometheus-nats-exporter:0.20.1",
  /** Prometheus 3.13, the long-term-support line (3.5 LTS ended 2026-07-31); busybox based (wget). */
  prometheus: "prom/prometheus:v3.13.5",
  /** The Docker socket proxy in front of the log collector: a static Go binary on scratch, configured by flags. */
  socketProxy: "wollomatic/socket-proxy:1.12.2",
  /** Alertmanager; busybox based (wget). */
  alertmanager: "prom/alertmanager:v0.35.0",
  /** Prometheus node-exporter for the host's metrics (opt-in); busybox based (wget). */
  nodeExporter: "prom/node-exporter:v1.12.1",
  /**
   * cAdvisor for the stack's containers (opt-in); Alpine based (wget). Upstream
   * publishes its images on ghcr.io/google/cadvisor since it left
   * gcr.io/cadvisor (google/cadvisor#3732); v0.60.6 is the newest release the
   * Go module proxy knows (2026-09-09). The tag itself was not checked on
   * ghcr.io from here (no registry is reachable).
   */
  cadvisor: "ghcr.io/google/cadvisor:v0.60.6",
} as const;

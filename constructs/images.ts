/**
 * Pinned default images. Every construct takes an `image` prop to override
 * its entry, e.g. to pull from a private registry.
 */
export const DEFAULT_IMAGES = {
  /** nats-server 2.14.5; busybox wget for the healthcheck. */
  nats: "nats:2.14.5-alpine",
  /** The `nats` CLI for operators. */
  natsBox: "natsio/nats-box:0.19.7",
  /** NATS Surveyor; alpine, busybox wget for the healthcheck. */
  surveyor: "natsio/nats-surveyor:0.9.10",
  /** prometheus-nats-exporter; alpine, busybox wget for the healthcheck. */
  natsExporter: "natsio/prometheus-nats-exporter:0.20.1",
  /** Prometheus 3.5, the long-term-support line; busybox based (wget). */
  prometheus: "prom/prometheus:v3.5.5",
  /** Alertmanager; busybox based (wget). */
  alertmanager: "prom/alertmanager:v0.34.1",
} as const;

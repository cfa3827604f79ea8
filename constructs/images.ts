/**
 * Pinned default images. Every construct takes an `image` prop to override
 * its entry, e.g. to pull from a private registry.
 */
export const DEFAULT_IMAGES = {
  /** nats-server 2.14.5; busybox wget for the healthcheck. */
  nats: "nats:2.14.5-alpine",
  /** The `nats` CLI for operators. */
  natsBox: "natsio/nats-box:0.19.7",
  /** Grafana 13.2 on Alpine: busybox wget for the healthcheck (the -ubuntu and -distroless variants have none). */
  grafana: "grafana/grafana:13.2.3",
} as const;

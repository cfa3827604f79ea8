/**
 * Pinned default images. Every construct takes an `image` prop to override
 * its entry, e.g. to pull from a private registry.
 */
export const DEFAULT_IMAGES = {
  /** nats-server 2.14.5; busybox wget for the healthcheck. */
  nats: "nats:2.14.5-alpine",
  /** The `nats` CLI for operators. */
  natsBox: "natsio/nats-box:0.19.7",
} as const;

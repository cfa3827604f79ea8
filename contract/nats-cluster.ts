/** The NATS cluster's name (`cluster.name`, Surveyor's `server_cluster` label) unless set. */
export const DEFAULT_NATS_CLUSTER_NAME = "nats";

/** The container name of the NATS node with 1-based `ordinal`, before the prefix: `nats-node1`. */
export function natsNodeName(ordinal: number): string {
  return `nats-node${ordinal}`;
}

/**
 * Set to 1 at synth time to let a plain apply replace NATS node containers
 * (no `prevent_destroy` on them); `natsmon rollout` needs a stack synthesized so.
 */
export const ALLOW_NATS_REPLACE_ENV = "NATSMON_ALLOW_NATS_REPLACE";

/** The NATS cluster's name (`cluster.name`, Surveyor's `server_cluster` label) unless set. */
export const DEFAULT_NATS_CLUSTER_NAME = "nats";

/** The container name of the NATS node with 1-based `ordinal`, before the prefix: `nats-node1`. */
export function natsNodeName(ordinal: number): string {
  return `nats-node${ordinal}`;
}

/**
 * The names of every data volume a NatsMonitoringStack can have, whether or
 * not its configuration declares them now. Volumes carry no labels (a label
 * added to an existing volume would make Terraform replace it, and with it its
 * data), so natsmon finds them by these names. A test checks the list against
 * the volumes of the largest configuration.
 */

/** The most nodes a NatsCluster can have. */
const MAX_NATS_NODES = 15;

/** Volume names without the name prefix. */
export const PART_VOLUME_BASE_NAMES = [
  "prometheus-data",
  "alertmanager-data",
  "loki-data",
  "alloy-data",
  "promtail-positions",
  "grafana-data",
];

/** Every data-volume name for a name prefix as the stack applies it ("" or "name-"). */
export function stackVolumeNames(prefix: string): string[] {
  const nodes = Array.from({ length: MAX_NATS_NODES }, (_, i) => `nats-node${i + 1}-data`);
  return [...nodes, ...PART_VOLUME_BASE_NAMES].map((base) => `${prefix}${base}`);
}

/**
 * The name prefix, read from the `nats_servers` output (its first entry is
 * `<prefix>nats-node1`); undefined when the output is missing or unexpected.
 */
export function prefixFromServers(servers: unknown): string | undefined {
  if (!Array.isArray(servers) || typeof servers[0] !== "string") return undefined;
  const match = /^(.*)nats-node1$/.exec(servers[0]);
  return match ? match[1] : undefined;
}

import { Annotations } from "cdktf";
import type { IConstruct } from "constructs";
import { HOST_TAG_PREFIX } from "../config/nats-server-conf.js";
import type { NatsNodeHost } from "../nats-cluster.js";

/**
 * Hosts a cluster needs before every node gets `unique_tag`: a stream of
 * the usual replica count, R3, needs that many distinct hosts to be
 * placed at all under the rule.
 */
export const UNIQUE_TAG_MIN_HOSTS = 3;

/** Each node's placement tags and the cluster-wide uniqueness rule, for a cluster over several hosts. */
export interface HostTags {
  /** `server_tags` of node `index` (0-based): `host:<name>` of its host. */
  readonly serverTags: (index: number) => readonly string[];
  /** `jetstream.unique_tag` of every node, or undefined with fewer than {@link UNIQUE_TAG_MIN_HOSTS} hosts. */
  readonly uniqueTag?: string;
}

/**
 * Tags for a cluster spread over Docker hosts, so that JetStream keeps the
 * replicas of a stream on distinct hosts. Round-robin puts two of five nodes
 * on one of three hosts; without the rule the meta leader may place two
 * replicas of an R3 stream there, and losing that host loses the stream's
 * quorum although the cluster keeps its own.
 *
 * Every node is tagged `host:<name>` (harmless, and shown in varz and jsz,
 * so operators see where a node runs). `unique_tag: "host:"` comes only
 * with three or more hosts: with fewer, it would make every R3 stream
 * impossible to create ("no suitable peers for placement, server tag not unique"), and no placement could
 * survive the loss of the host holding most nodes anyway. That layout (one
 * NATS host beside a monitoring host, say) is legitimate, so it is a
 * synth-time warning, not an error. The rule depends on how many hosts the
 * nodes span: going from two NATS hosts to three changes every node's file,
 * which `natsmon rollout` applies one node at a time.
 *
 * Undefined without placement (one host): its plan stays as it was.
 */
export function resolveHostTags(scope: IConstruct, placement: readonly NatsNodeHost[] | undefined): HostTags | undefined {
  if (placement === undefined) return undefined;
  const hosts = [...new Set(placement.map((host) => host.name))];
  const spread = hosts.length >= UNIQUE_TAG_MIN_HOSTS;
  if (!spread && placement.length > 1) {
    Annotations.of(scope).addWarning(
      `the ${placement.length} NATS nodes run on ${hosts.length} host(s) (${hosts.join(", ")}): losing the host with the most nodes loses the quorum of the JetStream meta group and of any R3 stream, and stream replicas cannot be kept on distinct hosts (unique_tag needs ${UNIQUE_TAG_MIN_HOSTS} hosts); place the nodes on ${UNIQUE_TAG_MIN_HOSTS} or more hosts (natsPlacement) unless that is meant`,
    );
  }
  return {
    serverTags: (index) => [`${HOST_TAG_PREFIX}${(placement[index] as NatsNodeHost).name}`],
    uniqueTag: spread ? HOST_TAG_PREFIX : undefined,
  };
}

import type { IConstruct } from "constructs";
import { DEFAULT_HOST_PORTS, DEFAULT_NATS_CLUSTER_NAME } from "../../contract/index.js";
import { DEFAULT_IMAGES } from "../images.js";
import type { NatsClusterProps } from "../nats-cluster.js";
import { type ResolvedServiceBase, resolveServiceBase } from "../service-props.js";
import { propError, requireDnsLabel, requireDuration, requirePort, requireSize } from "./validation.js";

/** Seconds added to lame duck grace + duration before Docker kills a node. */
const STOP_MARGIN_SECONDS = 15;

/** NatsClusterProps with every default applied and every value checked. */
export interface NatsClusterSettings {
  readonly base: ResolvedServiceBase;
  readonly nodeCount: number;
  readonly clusterName: string;
  readonly systemUser: string;
  readonly maxMemoryStoreBytes: number;
  readonly maxFileStoreBytes: number;
  readonly lameDuckDuration: string;
  readonly lameDuckGracePeriod: string;
  /** Lame duck grace + duration + a margin: how long Docker waits for a stopping node. */
  readonly stopTimeoutSeconds: number;
  /** node1's client port on the host; node k gets `clientHostPort + k - 1` when every node is published. */
  readonly clientHostPort: number;
  readonly monitoringHostPort?: number;
  /** How many nodes, from node1 on, publish their ports. */
  readonly publishedNodes: number;
  readonly protectData: boolean;
  readonly natsBox: boolean;
  readonly natsBoxImage: string;
}

/**
 * Applies NatsCluster's defaults and validates its props, in the order the
 * errors are reported: the first bad prop is the one named.
 */
export function resolveNatsClusterProps(scope: IConstruct, props: NatsClusterProps): NatsClusterSettings {
  const base = resolveServiceBase(scope, props, { image: DEFAULT_IMAGES.nats, memoryLimit: "1G" });
  const nodeCount = props.nodes ?? 3;
  if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > 15 || nodeCount % 2 === 0) {
    throw propError(scope, "nodes", nodeCount, "must be an odd number from 1 to 15 for a JetStream quorum", suggestNodeCount(nodeCount));
  }
  const clusterName = requireDnsLabel(scope, "clusterName", props.clusterName ?? DEFAULT_NATS_CLUSTER_NAME);
  const systemUser = requireDnsLabel(scope, "systemUser", props.systemUser ?? "sys");
  const maxMemoryStoreBytes = requireSize(scope, "maxMemoryStore", props.maxMemoryStore ?? "256M");
  const maxFileStoreBytes = requireSize(scope, "maxFileStore", props.maxFileStore ?? "10G");
  if (maxMemoryStoreBytes >= base.memoryLimitBytes) {
    throw propError(
      scope,
      "maxMemoryStore",
      props.maxMemoryStore ?? "256M",
      `must be below the container memory limit (memoryLimit ${props.memoryLimit ?? "1G"}), or JetStream is killed before it reaches its own limit`,
      "raise memoryLimit or lower maxMemoryStore",
    );
  }
  const lameDuckDuration = props.lameDuckDuration ?? "30s";
  const lameDuckGracePeriod = props.lameDuckGracePeriod ?? "10s";
  const stopTimeoutSeconds =
    requireDuration(scope, "lameDuckDuration", lameDuckDuration) +
    requireDuration(scope, "lameDuckGracePeriod", lameDuckGracePeriod) +
    STOP_MARGIN_SECONDS;
  const clientHostPort = requirePort(scope, "clientHostPort", props.clientHostPort ?? DEFAULT_HOST_PORTS.natsClient);
  const monitoringHostPort =
    props.monitoringHostPort === undefined ? undefined : requirePort(scope, "monitoringHostPort", props.monitoringHostPort);
  if (props.publishEveryNode) {
    requirePort(scope, "clientHostPort", clientHostPort + nodeCount - 1);
    if (monitoringHostPort !== undefined) requirePort(scope, "monitoringHostPort", monitoringHostPort + nodeCount - 1);
  }
  return {
    base,
    nodeCount,
    clusterName,
    systemUser,
    maxMemoryStoreBytes,
    maxFileStoreBytes,
    lameDuckDuration,
    lameDuckGracePeriod,
    stopTimeoutSeconds,
    clientHostPort,
    monitoringHostPort,
    publishedNodes: props.publishEveryNode ? nodeCount : 1,
    protectData: props.protectData ?? true,
    natsBox: props.natsBox ?? true,
    natsBoxImage: props.natsBoxImage ?? DEFAULT_IMAGES.natsBox,
  };
}

function suggestNodeCount(nodes: number): string {
  if (Number.isInteger(nodes) && nodes % 2 === 0 && nodes > 0 && nodes < 16) return `use ${nodes - 1} or ${nodes + 1}`;
  if (nodes > 15) return "use 15 at most";
  return "use 3, the default, or another odd number";
}

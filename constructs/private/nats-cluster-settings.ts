import type { IConstruct } from "constructs";
import { ALLOW_NATS_REPLACE_ENV, CONTAINER_PORTS, DEFAULT_HOST_PORTS, DEFAULT_NATS_CLUSTER_NAME } from "../../contract/index.js";
import { DEFAULT_IMAGES } from "../images.js";
import type { NatsClusterProps, NatsNodeHost } from "../nats-cluster.js";
import { type ResolvedServiceBase, resolveServiceBase } from "../service-props.js";
import { requireImageReference } from "./image-reference.js";
import { propError, requireDnsLabel, requireDuration, requireIpv4, requirePort, requireSize } from "./validation.js";

/** Seconds added to lame duck grace + duration before Docker kills a node. */
const STOP_MARGIN_SECONDS = 15;

/** A node placed on a host, with the host ports it publishes there. */
export interface PlacedNode {
  readonly host: NatsNodeHost;
  readonly clientHostPort: number;
  readonly clusterHostPort: number;
}

/** NatsClusterProps with every default applied and every value checked. */
export interface NatsClusterSettings {
  readonly base: ResolvedServiceBase;
  readonly nodeCount: number;
  readonly clusterName: string;
  readonly systemUser: string;
  /** The application user; undefined when anonymous clients are let in (`allowAnonymous`). */
  readonly appUser?: string;
  /** Mutual TLS and a route user on the routes (on by default; only a cluster of more than one node has routes). */
  readonly routeTls: boolean;
  readonly clientTls: boolean;
  /** The monitoring port over HTTPS (`https_port`). */
  readonly monitoringTls: boolean;
  /** More certificate names per node, by node (container) name. */
  readonly tlsNames: Readonly<Record<string, readonly string[]>>;
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
  /** No `prevent_destroy` on the node containers: a plain apply may replace them. */
  readonly allowNodeReplacement: boolean;
  readonly natsBox: boolean;
  readonly natsBoxImage: string;
  /** Each node's host and host ports, when the cluster spans several Docker hosts. */
  readonly placement?: readonly PlacedNode[];
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
  const clusterName = requireDnsLabel(
    scope,
    "clusterName",
    props.clusterName ?? DEFAULT_NATS_CLUSTER_NAME,
    "because it is written unquoted into nats-server.conf and labels every metric",
    DEFAULT_NATS_CLUSTER_NAME,
  );
  const systemUser = requireDnsLabel(
    scope,
    "systemUser",
    props.systemUser ?? "sys",
    "because it is written unquoted into nats-server.conf and Surveyor's environment",
    "sys",
  );
  const allowAnonymous = props.allowAnonymous ?? false;
  let appUser: string | undefined;
  if (!allowAnonymous) {
    appUser = requireDnsLabel(
      scope,
      "appUser",
      props.appUser ?? "app",
      "because it is written unquoted into nats-server.conf and the nats-box context",
      "app",
    );
    if (appUser === systemUser) {
      throw propError(
        scope,
        "appUser",
        appUser,
        "must differ from systemUser, or one account's user would shadow the other's",
        'keep "app" and "sys"',
      );
    }
  } else if (props.appUser !== undefined) {
    throw propError(scope, "appUser", props.appUser, "has no effect while allowAnonymous is true", "leave appUser out, or allowAnonymous");
  }
  const routeTls = (props.routeTls ?? true) && nodeCount > 1;
  const clientTls = props.clientTls ?? false;
  const monitoringTls = props.monitoringTls ?? false;
  if (monitoringTls && !clientTls) {
    throw propError(
      scope,
      "monitoringTls",
      true,
      "needs clientTls: nats-server serves https_port with the client port's TLS settings",
      "set clientTls: true as well, or leave monitoringTls out",
    );
  }
  if (props.tlsNames !== undefined && !routeTls && !clientTls) {
    throw propError(scope, "tlsNames", props.tlsNames, "needs routeTls or clientTls", "turn one of them on, or leave tlsNames out");
  }
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
  const stopTimeoutSeconds = requireLameDuck(scope, lameDuckDuration, lameDuckGracePeriod) + STOP_MARGIN_SECONDS;
  const clientHostPort = requirePort(
    scope,
    "clientHostPort",
    props.clientHostPort ?? DEFAULT_HOST_PORTS.natsClient,
    DEFAULT_HOST_PORTS.natsClient,
  );
  const monitoringHostPort =
    props.monitoringHostPort === undefined
      ? undefined
      : requirePort(scope, "monitoringHostPort", props.monitoringHostPort, CONTAINER_PORTS.natsMonitoring);
  if (props.publishEveryNode) {
    requirePortRange(scope, "clientHostPort", clientHostPort, nodeCount);
    if (monitoringHostPort !== undefined) requirePortRange(scope, "monitoringHostPort", monitoringHostPort, nodeCount);
  }
  const placement = props.placement === undefined ? undefined : resolvePlacement(scope, props, nodeCount, routeTls, clientHostPort);
  const natsBox = props.natsBox ?? true;
  const natsBoxImage = props.natsBoxImage ?? DEFAULT_IMAGES.natsBox;
  if (natsBox) requireImageReference(scope, "natsBoxImage", natsBoxImage);
  return {
    base,
    nodeCount,
    clusterName,
    systemUser,
    appUser,
    routeTls,
    clientTls,
    monitoringTls,
    tlsNames: props.tlsNames ?? {},
    maxMemoryStoreBytes,
    maxFileStoreBytes,
    lameDuckDuration,
    lameDuckGracePeriod,
    stopTimeoutSeconds,
    clientHostPort,
    monitoringHostPort,
    publishedNodes: props.publishEveryNode ? nodeCount : 1,
    protectData: props.protectData ?? true,
    allowNodeReplacement: props.allowNodeReplacement ?? process.env[ALLOW_NATS_REPLACE_ENV] === "1",
    natsBox,
    natsBoxImage,
    placement,
  };
}

/**
 * Each node's host ports with `placement`: the k-th node on a host gets the
 * k-th port from the first, counted over the nodes before it only, so adding
 * a node leaves the others' ports alone.
 */
function resolvePlacement(
  scope: IConstruct,
  props: NatsClusterProps,
  nodeCount: number,
  routeTls: boolean,
  clientHostPort: number,
): PlacedNode[] {
  const placement = props.placement ?? [];
  if (placement.length !== nodeCount) {
    throw propError(
      scope,
      "placement",
      placement.map((host) => host.name),
      `must name one host per node, ${nodeCount} in all, node1 first`,
      `list ${nodeCount} hosts, or leave placement out`,
    );
  }
  if (nodeCount > 1 && !routeTls) {
    throw propError(
      scope,
      "routeTls",
      false,
      "must stay on for a cluster over several hosts: its routes cross the network between hosts, and only mutual TLS with route auth keeps other machines out",
      "leave routeTls out (it is on by default)",
    );
  }
  const clusterHostPort = requirePort(
    scope,
    "clusterHostPort",
    props.clusterHostPort ?? CONTAINER_PORTS.natsCluster,
    CONTAINER_PORTS.natsCluster,
  );
  const perHost = new Map<string, number>();
  return placement.map((host, index) => {
    requireIpv4(scope, `placement[${index}].address`, host.address);
    // Written into the node's server_tags (host:<name>), which nats-server lower-cases: a DNS label keeps it exact.
    requireDnsLabel(scope, `placement[${index}].name`, host.name, "because it becomes the node's host tag (host:<name>)", "nats-a");
    const k = perHost.get(host.address) ?? 0;
    perHost.set(host.address, k + 1);
    const ports = { clientHostPort: clientHostPort + k, clusterHostPort: clusterHostPort + k };
    for (const [prop, port] of Object.entries(ports)) {
      if (port > 65535) {
        throw propError(
          scope,
          prop,
          port - k,
          `leaves no port for node ${index + 1}, the ${k + 1}th node on host ${host.name}`,
          "use a lower first port",
        );
      }
    }
    return { host, ...ports };
  });
}

/**
 * nats-server refuses a lame duck duration under 30s and a grace period that
 * is not below the duration. Returns grace + duration in seconds.
 */
function requireLameDuck(scope: IConstruct, duration: string, grace: string): number {
  const durationSeconds = requireDuration(scope, "lameDuckDuration", duration);
  const graceSeconds = requireDuration(scope, "lameDuckGracePeriod", grace);
  if (durationSeconds < 30) {
    throw propError(scope, "lameDuckDuration", duration, "must be at least 30s, the shortest nats-server accepts", 'use "30s" or more');
  }
  if (graceSeconds >= durationSeconds) {
    throw propError(
      scope,
      "lameDuckGracePeriod",
      grace,
      `must be shorter than lameDuckDuration (${duration}), or nats-server refuses the configuration`,
      "lower it, or raise lameDuckDuration",
    );
  }
  return durationSeconds + graceSeconds;
}

/** With publishEveryNode, node k publishes on `first + k - 1`: the last one must still be a port. */
function requirePortRange(scope: IConstruct, prop: string, first: number, nodes: number): void {
  const last = first + nodes - 1;
  if (last > 65535) {
    throw propError(
      scope,
      prop,
      first,
      `must leave room for one host port per node with publishEveryNode: ${nodes} nodes need ${first}-${last}, beyond 65535`,
      `use ${65535 - nodes + 1} or lower`,
    );
  }
}

function suggestNodeCount(nodes: number): string {
  if (Number.isInteger(nodes) && nodes % 2 === 0 && nodes > 0 && nodes < 16) return `use ${nodes - 1} or ${nodes + 1}`;
  if (nodes > 15) return "use 15 at most";
  return "use 3, the default, or another odd number";
}

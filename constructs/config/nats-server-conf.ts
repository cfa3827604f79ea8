import { CONTAINER_PORTS } from "../../contract/index.js";
import { formatNatsConf } from "../private/nats-conf-format.js";
import { renderNatsAuth } from "./nats-auth.js";
import { clientTlsBlock, mutualTlsBlock, type RouteSecurityInput, routeAuthorizationBlock, routeUrl } from "./nats-tls-conf.js";

export { APP_ACCOUNT, APP_PASSWORD_ENV, SYSTEM_ACCOUNT, SYSTEM_PASSWORD_ENV } from "./nats-auth.js";

/** Ports every node listens on inside its container. */
export const NATS_PORTS = {
  client: CONTAINER_PORTS.natsClient,
  cluster: CONTAINER_PORTS.natsCluster,
  monitoring: CONTAINER_PORTS.natsMonitoring,
} as const;

/**
 * The prefix of the tag that names a node's Docker host (`host:nats-a`) in a
 * cluster over several hosts; as `jetstream.unique_tag` it keeps two
 * replicas of a stream off one host.
 */
export const HOST_TAG_PREFIX = "host:";

/** Where a node keeps its JetStream data; its volume is mounted here. */
export const JETSTREAM_STORE_DIR = "/data";

/** What one node's configuration is made of. */
export interface NatsServerConfInput {
  /** `server_name`, unique in the cluster; JetStream requires it. */
  readonly serverName: string;
  /**
   * The cluster's name and its seed routes (host names of the first nodes).
   * Undefined for a single server, which runs JetStream standalone.
   */
  readonly cluster?: {
    readonly name: string;
    /** The seeds' host names: routes dial `<seed>:6222`. */
    readonly seeds: readonly string[];
    /**
     * The seeds' `address:port` on their hosts instead, for a cluster spread
     * over several Docker hosts, where a node on another host cannot
     * resolve a container name.
     */
    readonly seedAddresses?: readonly string[];
  };
  /**
   * The `address:port`s other hosts reach this node on, for a cluster spread
   * over several Docker hosts: `cluster.advertise` (what gossip tells peers
   * to dial) and `client_advertise` (what clients are told).
   * @default the container name (with route TLS), and no client advertise
   */
  readonly advertise?: { readonly cluster: string; readonly client: string };
  /**
   * The node's `server_tags`, which JetStream places stream replicas by and
   * which varz and jsz report, e.g. `["host:nats-a"]`.
   * @default none
   */
  readonly serverTags?: readonly string[];
  /**
   * `jetstream.unique_tag`: a tag prefix whose values the replicas of one
   * stream must not share, e.g. "host:". Every node needs the same value,
   * since the meta leader, whichever node it is, places with its own.
   * @default none: replicas may share a host
   */
  readonly uniqueTag?: string;
  readonly maxMemoryStoreBytes: number;
  readonly maxFileStoreBytes: number;
  /** The system-account user that Surveyor and operators log in with. */
  readonly systemUser: string;
  /** The application account's user; undefined allows anonymous clients (the guide's setup). */
  readonly appUser?: string;
  /**
   * Mutual TLS and a route user on the cluster port. The node advertises its
   * cluster address by name, so that gossiped routes dial a name its
   * certificate holds. Undefined: plain routes, as in the guide.
   */
  readonly routeSecurity?: RouteSecurityInput;
  /** TLS on the client port (4222), with the node's certificate. @default false */
  readonly clientTls?: boolean;
  /**
   * The monitoring port over HTTPS (`https_port`), with the client port's
   * TLS settings, which nats-server uses for it: needs `clientTls`.
   * @default false
   */
  readonly monitoringTls?: boolean;
  /** Go durations, e.g. "30s". */
  readonly lameDuckDuration: string;
  readonly lameDuckGracePeriod: string;
}

/**
 * Renders one node's nats-server.conf. The output stays within what both
 * nats-server 2.9 (Debian, used in tests) and 2.14 (the default image)
 * accept. It holds nothing that depends on the cluster's size, so adding
 * nodes leaves existing nodes' files, and so their containers, unchanged.
 */
export function renderNatsServerConf(input: NatsServerConfInput): string {
  if (input.monitoringTls && !input.clientTls) {
    throw new Error("https_port needs the top-level tls block: monitoringTls needs clientTls");
  }
  return formatNatsConf(
    {
      server_name: input.serverName,
      server_tags: input.serverTags && [...input.serverTags],
      listen: `0.0.0.0:${NATS_PORTS.client}`,
      client_advertise: input.advertise?.client,
      ...(input.monitoringTls ? { https_port: NATS_PORTS.monitoring } : { http_port: NATS_PORTS.monitoring }),
      logtime: true,
      lame_duck_duration: input.lameDuckDuration,
      lame_duck_grace_period: input.lameDuckGracePeriod,
      jetstream: {
        store_dir: JETSTREAM_STORE_DIR,
        max_memory_store: input.maxMemoryStoreBytes,
        max_file_store: input.maxFileStoreBytes,
        unique_tag: input.uniqueTag,
      },
      cluster: input.cluster && {
        name: input.cluster.name,
        listen: `0.0.0.0:${NATS_PORTS.cluster}`,
        // A node listed among its own seeds detects the route to itself and
        // drops it; listing it keeps every seed node's file identical in
        // shape, and gossip connects the nodes that are not seeds.
        routes: input.cluster.seedAddresses
          ? input.cluster.seedAddresses.map((address) => routeUrl(address, undefined, input.routeSecurity))
          : input.cluster.seeds.map((host) => routeUrl(host, NATS_PORTS.cluster, input.routeSecurity)),
        advertise: input.advertise?.cluster ?? (input.routeSecurity && `${input.serverName}:${NATS_PORTS.cluster}`),
        tls: input.routeSecurity && mutualTlsBlock(),
        authorization: input.routeSecurity && routeAuthorizationBlock(input.routeSecurity),
      },
      tls: input.clientTls ? clientTlsBlock() : undefined,
      ...renderNatsAuth({ systemUser: input.systemUser, appUser: input.appUser }),
    },
    ["Generated by nats-jetstream-monitoring; edit the NatsCluster props instead."],
  );
}

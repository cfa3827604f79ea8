import type { Network } from "@cdktf/provider-docker/lib/network/index.js";
import type { Volume } from "@cdktf/provider-docker/lib/volume/index.js";
import { Password } from "@cdktf/provider-random/lib/password/index.js";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { COMPONENTS, CONTAINER_NAMES, natsMonitorRequest, natsNodeName } from "../contract/index.js";
import { natsReadinessPath } from "./config/nats-readiness.js";
import {
  APP_ACCOUNT,
  APP_PASSWORD_ENV,
  JETSTREAM_STORE_DIR,
  NATS_PORTS,
  renderNatsServerConf,
  SYSTEM_PASSWORD_ENV,
} from "./config/nats-server-conf.js";
import { DockerService, type PublishedPort } from "./docker-service.js";
import { KeptVolumes, natsNodeVolumePaths } from "./kept-volumes.js";
import { NatsBox } from "./nats-box.js";
import { dataVolume } from "./private/data-volume.js";
import { type HostTags, resolveHostTags } from "./private/host-tags.js";
import { hostUrl } from "./private/host-url.js";
import { type NatsClusterSettings, type PlacedNode, resolveNatsClusterProps } from "./private/nats-cluster-settings.js";
import { ClusterTls, type NodeTls } from "./private/nats-cluster-tls.js";
import type { ServiceBaseProps } from "./service-props.js";

/** The routes of every node point at these first nodes; gossip does the rest. */
const SEED_COUNT = 3;
const CONFIG_PATH = "/etc/nats/nats-server.conf";

/** Where one node of a cluster spread over several Docker hosts runs. */
export interface NatsNodeHost {
  /** The host's name, e.g. "nats-a". */
  readonly name: string;
  /** The host's network: its provider puts the node, its volume and its image on that host's engine. */
  readonly network: Network;
  /** The IPv4 address other hosts reach this host on: the node publishes and advertises its ports there. */
  readonly address: string;
}

/** Props of {@link NatsCluster}. */
export interface NatsClusterProps extends ServiceBaseProps {
  /**
   * Number of JetStream servers: odd, so that a quorum survives the loss of
   * a minority, from 1 to 15. Containers are named nats-node1..N.
   * @default 3
   */
  readonly nodes?: number;
  /** The cluster's name (`cluster.name`, Surveyor's `server_cluster` label). @default "nats" */
  readonly clusterName?: string;
  /** JetStream memory store limit per node. @default "256M" */
  readonly maxMemoryStore?: string;
  /** JetStream file store limit per node. @default "10G" */
  readonly maxFileStore?: string;
  /** Host port for node1's client port. @default 4222 */
  readonly clientHostPort?: number;
  /** Host port for node1's monitoring port (8222). @default not published */
  readonly monitoringHostPort?: number;
  /**
   * Publish every node, not only node1: node k gets `clientHostPort + k - 1`
   * (and `monitoringHostPort + k - 1` when that is set).
   * @default false
   */
  readonly publishEveryNode?: boolean;
  /** Name of the system-account user that Surveyor logs in with. @default "sys" */
  readonly systemUser?: string;
  /**
   * Name of the application user: the one user of the APP account, where
   * JetStream is enabled and the applications' streams live. Its password is
   * generated (output `nats_app_password`); the servers see its bcrypt hash only.
   * @default "app"
   */
  readonly appUser?: string;
  /**
   * Mutual TLS between the servers (certificates from the stack's own CA,
   * `verify: true`) and a route user with a generated password: a server
   * without a certificate from this CA cannot join. Only a cluster of more
   * than one node has routes.
   * @default true
   */
  readonly routeTls?: boolean;
  /**
   * TLS on the client port (4222) with the nodes' certificates; clients then
   * verify the servers with the stack's CA (output `nats_ca_cert`; nats-box
   * and Surveyor get it). Clients need no certificate of their own.
   * @default false
   */
  readonly clientTls?: boolean;
  /**
   * The monitoring port (8222) over HTTPS (nats-server `https_port`) with
   * the nodes' certificates. Needs `clientTls`, whose TLS settings
   * nats-server uses for it. The exporter then verifies the servers with the
   * stack's CA; natsmon and the healthchecks ask over HTTPS.
   * @default false
   */
  readonly monitoringTls?: boolean;
  /**
   * More names per node for its certificate, by node (container) name: the
   * host names or IPv4 addresses that peers or clients on other hosts dial,
   * e.g. `{ "nats-node1": ["10.0.0.11"] }`. Each node's certificate holds only
   * its own names, so adding a node leaves the others' certificates alone.
   * @default none: the container name (and localhost and the bind address with clientTls)
   */
  readonly tlsNames?: Readonly<Record<string, readonly string[]>>;
  /**
   * Let clients connect without credentials, as the guide's setup did: no
   * APP account, anonymous clients land in the global account (where streams
   * made before accounts existed also live). Anyone who reaches port 4222
   * can then create and delete streams.
   * @default false
   */
  readonly allowAnonymous?: boolean;
  /** How long a stopping node spends closing its clients (lame duck mode). @default "30s" */
  readonly lameDuckDuration?: string;
  /** How long a stopping node waits before it starts closing clients. @default "10s" */
  readonly lameDuckGracePeriod?: string;
  /**
   * The host of each node, node1 first, for a cluster spread over several
   * Docker hosts (NatsMonitoringStack fills it in from its `hosts`). Each
   * node then publishes its client port and its cluster port on its host's
   * address (the k-th node of a host on `clientHostPort + k - 1` and
   * `clusterHostPort + k - 1`), advertises both there, and routes to the
   * seeds' host addresses over mutual TLS; its certificate names its host's
   * address. Needs routeTls. Each node is tagged `host:<name>`
   * (`server_tags`), and over three or more hosts every node gets
   * `jetstream.unique_tag: "host:"`, so the replicas of a stream land on
   * distinct hosts (fewer hosts: a synth-time warning, see docs/multi-host.md).
   * @default every node on the network's engine, reached by container name
   */
  readonly placement?: readonly NatsNodeHost[];
  /** Host port for the first node's cluster port on each host, with `placement`. @default 6222 */
  readonly clusterHostPort?: number;
  /** Run a nats-box container for operators. @default true */
  readonly natsBox?: boolean;
  /** The nats-box image. @default "natsio/nats-box:0.19.7" */
  readonly natsBoxImage?: string;
  /**
   * Refuse to destroy the JetStream volumes (Terraform `prevent_destroy`):
   * scaling in or `cdktf destroy` then fails instead of deleting stream data.
   * Set it to false, deploy, then destroy, to remove the data on purpose.
   * @default true
   */
  readonly protectData?: boolean;
  /**
   * Let a plain `cdktf deploy` replace NATS node containers. By default each
   * node container carries Terraform `prevent_destroy`, so a plan that would
   * replace nodes (a new image, a changed nats-server setting), which a plain
   * apply does for every node at once, fails before anything is touched;
   * `natsmon rollout` replaces them one at a time instead (synthesize for it
   * with NATSMON_ALLOW_NATS_REPLACE=1). See docs/operations-rollout.md.
   * @default false, or true when the environment has NATSMON_ALLOW_NATS_REPLACE=1 at synth time
   */
  readonly allowNodeReplacement?: boolean;
}

/**
 * A JetStream cluster of N nats-server containers with a system account for
 * monitoring, one data volume per node and, by default, a nats-box container.
 *
 * Nodes route to a fixed seed set (the first three), so scaling out from 3
 * to 5 nodes adds containers without replacing nodes 1-3. A stopping node
 * goes through lame duck mode (SIGUSR2) and hands its leaderships over
 * before it exits.
 */
export class NatsCluster extends Construct {
  /** Number of servers. */
  readonly nodeCount: number;
  /** The cluster's name. */
  readonly clusterName: string;
  /** Container names, which are also host names on the network: nats-node1..N. */
  readonly nodeNames: readonly string[];
  /** Client URLs on the stack network, e.g. nats://nats-node1:4222. */
  readonly clientUrls: readonly string[];
  /** Monitoring URLs on the stack network, e.g. http://nats-node1:8222 (https:// with `monitoringTls`). */
  readonly monitoringUrls: readonly string[];
  /** node1's client URL on the Docker host, e.g. nats://127.0.0.1:4222. */
  readonly hostClientUrl: string;
  /** The system-account user. */
  readonly systemUser: string;
  /** The system user's password: a Terraform reference, never a literal. */
  readonly systemPassword: string;
  /** Whether clients without credentials are let in (`allowAnonymous`). */
  readonly allowsAnonymous: boolean;
  /** The application account ("APP"), unless anonymous access is on. */
  readonly appAccount?: string;
  /** The application user, unless anonymous access is on. */
  readonly appUser?: string;
  /** The application user's password: a Terraform reference, never a literal. */
  readonly appPassword?: string;
  /** Whether routes run over mutual TLS with route authentication. */
  readonly routeTls: boolean;
  /** Whether the client port requires TLS. */
  readonly clientTls: boolean;
  /** Whether the monitoring port serves HTTPS. */
  readonly monitoringTls: boolean;
  /** PEM of the stack CA's certificate (a Terraform reference), when routes or clients use TLS. */
  readonly caCertPem?: string;
  /** The host of each node, node1 first, when the cluster spans several Docker hosts. */
  readonly placement?: readonly NatsNodeHost[];
  /** One service per node. */
  readonly nodes: readonly DockerService[];
  /** One JetStream data volume per node. */
  readonly dataVolumes: readonly Volume[];
  /** The operators' container, unless `natsBox: false`. */
  readonly natsBox?: NatsBox;

  constructor(scope: Construct, id: string, props: NatsClusterProps) {
    super(scope, id);
    const settings = resolveNatsClusterProps(this, props);
    const { base } = settings;
    this.nodeCount = settings.nodeCount;
    this.clusterName = settings.clusterName;
    this.systemUser = settings.systemUser;
    this.nodeNames = Array.from({ length: settings.nodeCount }, (_, i) => base.nameOf(natsNodeName(i + 1)));
    const placed = settings.placement;
    this.placement = placed?.map((p) => p.host);
    this.clientUrls = placed
      ? placed.map((p) => `nats://${p.host.address}:${p.clientHostPort}`)
      : this.nodeNames.map((host) => `nats://${host}:${NATS_PORTS.client}`);
    this.monitoringTls = settings.monitoringTls;
    const monitoringScheme = this.monitoringTls ? "https" : "http";
    // Read on the node's own host (the exporter there joins its network), so container names stay right.
    this.monitoringUrls = this.nodeNames.map((host) => `${monitoringScheme}://${host}:${NATS_PORTS.monitoring}`);
    this.hostClientUrl = placed ? (this.clientUrls[0] as string) : hostUrl(base.bindAddress, settings.clientHostPort, "nats");

    const password = new Password(this, "SystemPassword", { length: 32, special: false });
    this.systemPassword = password.result;
    this.allowsAnonymous = settings.appUser === undefined;
    this.appUser = settings.appUser;
    // Quoted, so nats-server reads the bcrypt hashes as strings. jsonencode adds the
    // quotes in Terraform: literal quotes around the token break `cdktf synth --hcl`.
    const nodeEnv: Record<string, string> = { [SYSTEM_PASSWORD_ENV]: Fn.jsonencode(password.bcryptHash) };
    if (settings.appUser !== undefined) {
      const appPassword = new Password(this, "AppPassword", { length: 32, special: false });
      this.appAccount = APP_ACCOUNT;
      this.appPassword = appPassword.result;
      nodeEnv[APP_PASSWORD_ENV] = Fn.jsonencode(appPassword.bcryptHash);
    }
    this.routeTls = settings.routeTls;
    this.clientTls = settings.clientTls;
    const tls =
      this.routeTls || this.clientTls
        ? new ClusterTls(this, {
            clusterName: this.clusterName,
            nodeNames: this.nodeNames,
            routes: this.routeTls,
            // A client on the Docker host dials the published port by localhost or the bind address.
            commonNames: this.clientTls ? ["localhost", ...(base.bindAddress === "0.0.0.0" ? [] : [base.bindAddress])] : [],
            extraNames: placed ? withHostAddresses(settings.tlsNames, this.nodeNames, placed) : settings.tlsNames,
          })
        : undefined;
    this.caCertPem = tls?.caCertPem;

    const hostTags = resolveHostTags(this, this.placement);
    const volumes: Volume[] = [];
    const nodes: DockerService[] = [];
    for (const index of this.nodeNames.keys()) {
      const { node, volume } = this.addNode(index, settings, { env: nodeEnv, tls: tls?.forNode(index) }, nodes, hostTags);
      volumes.push(volume);
      nodes.push(node);
    }
    this.nodes = nodes;
    this.dataVolumes = volumes;
    // Scaling in forgets the volumes of the nodes it drops instead of deleting them.
    new KeptVolumes(this, "KeptVolumes", natsNodeVolumePaths(settings.nodeCount + 1));
    if (settings.natsBox) this.natsBox = this.addNatsBox(settings);
  }

  /**
   * Node `index` (0-based): its data volume and its container. `earlier`
   * holds the nodes added before it, which it may have to start after.
   */
  private addNode(
    index: number,
    settings: NatsClusterSettings,
    secrets: { readonly env: Record<string, string>; readonly tls?: NodeTls },
    earlier: readonly DockerService[],
    hostTags: HostTags | undefined,
  ): { node: DockerService; volume: Volume } {
    const { base } = settings;
    const name = this.nodeNames[index] as string;
    const nodeId = `node${index + 1}`;
    const placed = settings.placement?.[index];
    const network = placed?.host.network ?? base.network;
    const volume = dataVolume(this, `${nodeId}-data`, `${name}-data`, settings.protectData, placed && network);
    const seedPlacement = settings.placement?.slice(0, SEED_COUNT);
    const node = new DockerService(this, nodeId, {
      network,
      name,
      component: COMPONENTS.nats,
      image: base.image,
      entrypoint: ["nats-server"],
      command: ["--config", CONFIG_PATH],
      env: { ...secrets.env, ...secrets.tls?.env },
      files: [
        {
          path: CONFIG_PATH,
          content: renderNatsServerConf({
            serverName: name,
            serverTags: hostTags?.serverTags(index),
            uniqueTag: hostTags?.uniqueTag,
            cluster:
              settings.nodeCount > 1
                ? {
                    name: this.clusterName,
                    seeds: this.nodeNames.slice(0, SEED_COUNT),
                    seedAddresses: seedPlacement?.map((seed) => `${seed.host.address}:${seed.clusterHostPort}`),
                  }
                : undefined,
            advertise: placed && {
              cluster: `${placed.host.address}:${placed.clusterHostPort}`,
              client: `${placed.host.address}:${placed.clientHostPort}`,
            },
            maxMemoryStoreBytes: settings.maxMemoryStoreBytes,
            maxFileStoreBytes: settings.maxFileStoreBytes,
            systemUser: this.systemUser,
            appUser: this.appUser,
            routeSecurity: secrets.tls?.routeSecurity,
            clientTls: this.clientTls,
            monitoringTls: this.monitoringTls,
            lameDuckDuration: settings.lameDuckDuration,
            lameDuckGracePeriod: settings.lameDuckGracePeriod,
          }),
        },
        ...(secrets.tls?.files ?? []),
      ],
      volumes: [{ volume, containerPath: JETSTREAM_STORE_DIR }],
      // The image's user, root, kept on purpose but without a single
      // capability (DockerService drops them all): a running stack's
      // JetStream files are root's, and root without CAP_DAC_OVERRIDE reads
      // and writes them as their owner. A switch to another uid would leave
      // an upgraded node unable to read its own store. The config is an
      // upload, so the root filesystem stays writable (Docker refuses
      // uploads otherwise).
      ports: publishedPorts(index, settings),
      healthcheck: {
        // Healthy means JetStream runs and is in contact with the meta
        // leader; the option that checks this depends on the server's
        // version (see natsReadinessPath). js-enabled-only would pass before
        // the cluster has formed. 127.0.0.1, not localhost: the server
        // listens on IPv4 only. natsmon reads the scheme from this command.
        test: ["CMD", ...natsMonitorRequest(NATS_PORTS.monitoring, natsReadinessPath(base.image), this.monitoringTls, "/dev/null")],
        startPeriod: "30s",
      },
      // The seeds start together and elect the meta leader; every later
      // node starts once the nodes before it are healthy, and so joins a
      // group that has a leader. A fresh server expects a meta group the
      // size of its route list (the three seeds): five fresh servers
      // started at once can split into two groups that each believe they
      // have a quorum, and elect two meta leaders (seen in the live tests).
      // Node 4 waits for the seeds, node 5 for node 4, and so on: a chain,
      // so the plan grows linearly with the cluster.
      dependsOn: startAfter(index, earlier).map((previous) => previous.container),
      memoryLimitBytes: base.memoryLimitBytes,
      // SIGUSR2 puts nats-server in lame duck mode: it stops accepting
      // clients, hands over its leaderships and exits by itself.
      stopSignal: "SIGUSR2",
      stopTimeoutSeconds: settings.stopTimeoutSeconds,
    });
    // A plain apply replaces every changed node at once: refuse it (see allowNodeReplacement).
    if (!settings.allowNodeReplacement) node.container.lifecycle = { preventDestroy: true };
    return { node, volume };
  }

  /** The operators' container, started once every node is. */
  private addNatsBox(settings: NatsClusterSettings): NatsBox {
    return new NatsBox(this, "nats-box", {
      // With placement, on node1's host; it reaches every node by host address.
      network: settings.placement?.[0]?.host.network ?? settings.base.network,
      name: settings.base.nameOf(CONTAINER_NAMES.natsBox),
      image: settings.natsBoxImage,
      memoryLimitBytes: 128 * 1024 ** 2,
      clientUrls: this.clientUrls,
      systemUser: this.systemUser,
      systemPassword: this.systemPassword,
      appUser: this.appUser,
      appPassword: this.appPassword,
      caCertPem: this.clientTls ? this.caCertPem : undefined,
      dependsOn: this.nodes.map((node) => node.container),
    });
  }
}

/** The host ports node `index` publishes: node1's always, every node's with `publishEveryNode`. */
function publishedPorts(index: number, settings: NatsClusterSettings): PublishedPort[] {
  const placed = settings.placement?.[index];
  if (placed) {
    // Peers and clients on other hosts dial these; the monitoring port stays inside, read by the host's exporter.
    const ip = placed.host.address;
    return [
      { internal: NATS_PORTS.client, external: placed.clientHostPort, ip },
      { internal: NATS_PORTS.cluster, external: placed.clusterHostPort, ip },
    ];
  }
  if (index >= settings.publishedNodes) return [];
  const ip = settings.base.bindAddress;
  const ports: PublishedPort[] = [{ internal: NATS_PORTS.client, external: settings.clientHostPort + index, ip }];
  if (settings.monitoringHostPort !== undefined) {
    ports.push({ internal: NATS_PORTS.monitoring, external: settings.monitoringHostPort + index, ip });
  }
  return ports;
}

/** The nodes that node `index` starts after: none for a seed, the seeds for the first later node, else its predecessor. */
function startAfter(index: number, earlier: readonly DockerService[]): readonly DockerService[] {
  if (index < SEED_COUNT) return [];
  return index === SEED_COUNT ? earlier : [earlier[index - 1]];
}

/** The user's tlsNames plus each node's host address, which peers and clients on other hosts dial. */
function withHostAddresses(
  tlsNames: Readonly<Record<string, readonly string[]>>,
  nodeNames: readonly string[],
  placement: readonly PlacedNode[],
): Record<string, readonly string[]> {
  const names: Record<string, readonly string[]> = { ...tlsNames };
  nodeNames.forEach((node, i) => {
    names[node] = [...(tlsNames[node] ?? []), (placement[i] as PlacedNode).host.address];
  });
  return names;
}

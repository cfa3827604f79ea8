import { Network } from "@cdktf/provider-docker/lib/network/index.js";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider/index.js";
import { RandomProvider } from "@cdktf/provider-random/lib/provider/index.js";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider/index.js";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { type HostOutput, LOG_LABELS, OUTPUTS, type OutputName, SCRAPE_JOBS } from "../contract/index.js";
import { Cadvisor, type CadvisorProps } from "./cadvisor.js";
import { LOKI_PUSH_PATH } from "./config/log-pipeline.js";
import type { DockerHostSettings } from "./docker-hosts.js";
import { Grafana, type GrafanaProps } from "./grafana.js";
import { KeptVolumes, STACK_PART_VOLUME_PATHS } from "./kept-volumes.js";
import type { LogCollector } from "./log-collector.js";
import { LokiStack, type LokiStackProps } from "./loki-stack.js";
import { NatsCluster, type NatsClusterProps } from "./nats-cluster.js";
import { NatsExporter, type NatsExporterProps } from "./nats-exporter.js";
import { NodeExporter, type NodeExporterProps } from "./node-exporter.js";
import { type HclSynthesis, portableHcl } from "./portable-hcl.js";
import { requireDockerHost } from "./private/docker-host.js";
import { type HostEngine, hostEngines } from "./private/host-engines.js";
import { type ResolvedHosts, resolveHosts } from "./private/multi-host-settings.js";
import { requireNamePrefix } from "./private/name-prefix.js";
import { validateStackSettings } from "./private/settings-validator.js";
import { partNames, type StackParts, warnAboutMissingMetrics } from "./private/stack-parts.js";
import { propError, requireDnsLabel } from "./private/validation.js";
import { PrometheusStack, type PrometheusStackProps } from "./prometheus-stack.js";
import { type RegistryAuth, resolveRegistryAuth } from "./registry-auth.js";
import type { IScrapeable } from "./scrape-target.js";
import { Surveyor, type SurveyorProps } from "./surveyor.js";

/** A part's props without the network, which the stack provides. */
export type PartProps<T> = Omit<T, "network">;

/** The stack network's name before the prefix. */
const DEFAULT_NETWORK_NAME = "nats-monitoring";

/** Props of {@link NatsMonitoringStack}, grouped per part. */
export interface NatsMonitoringStackProps {
  /** Prefixed to every container, volume and network name. @default no prefix */
  readonly namePrefix?: string;
  /** Name of the Docker network the stack creates. @default "nats-monitoring" (prefixed) */
  readonly networkName?: string;
  /** Host address for every published port. @default "127.0.0.1" */
  readonly bindAddress?: string;
  /**
   * Acknowledges that `bindAddress: "0.0.0.0"` publishes every port of the
   * stack to every network the Docker host is on; without it, "0.0.0.0" is refused.
   * @default false
   */
  readonly exposeToAllNetworks?: boolean;
  /** The Docker engine to talk to. @default the provider's: DOCKER_HOST or the local socket */
  readonly dockerHost?: string;
  /**
   * Credentials for private registries that the images come from, e.g.
   * `[{ address: "registry.example.com", configFile: "~/.docker/config.json" }]`.
   * A literal password is refused: name a sensitive Terraform variable in
   * `passwordVariable`, or pass a sensitive `TerraformVariable`'s value.
   * @default none: public images only
   */
  readonly registryAuth?: RegistryAuth[];
  /**
   * Refuse to destroy any data volume (JetStream, Prometheus, Loki, Grafana,
   * Alertmanager): scaling in or `cdktf destroy` then fails instead of
   * deleting data. A part's own `protectData` wins over this one.
   * @default true
   */
  readonly protectData?: boolean;
  /**
   * Docker hosts by name, for a stack spread over several machines: one
   * docker provider per host (aliased by its name), NATS nodes placed on the
   * hosts (see natsPlacement), an agent set (exporter, log collector) on
   * every NATS host, and Prometheus, Loki, Grafana, Surveyor and
   * Alertmanager on the monitoring host. Routes between hosts run over
   * mutual TLS with route auth. See docs/multi-host.md.
   * @default none: everything on one engine (dockerHost)
   */
  readonly hosts?: Readonly<Record<string, DockerHostSettings>>;
  /** The host (a key of hosts) that runs Prometheus, Loki, Grafana, Surveyor and Alertmanager. @default the first host */
  readonly monitoringHost?: string;
  /**
   * The host of each NATS node, node1 first, e.g. `["nats-a", "nats-b", "nats-c"]`.
   * @default round-robin over the hosts without `nats: false`, in the order hosts lists them
   */
  readonly natsPlacement?: readonly string[];
  /** The JetStream cluster. @default 3 nodes */
  readonly nats?: PartProps<Omit<NatsClusterProps, "placement">>;
  /** NATS Surveyor, connected to the cluster; `false` leaves it out. @default on 127.0.0.1:7777 */
  readonly surveyor?: PartProps<Omit<SurveyorProps, "cluster">> | false;
  /** prometheus-nats-exporter, reading every node; `false` leaves it out. @default on 127.0.0.1:7778 */
  readonly exporter?: PartProps<Omit<NatsExporterProps, "cluster" | "nodeNames">> | false;
  /** Prometheus, scraping every part; `false` leaves it out. @default on 127.0.0.1:9090 */
  readonly prometheus?: PartProps<Omit<PrometheusStackProps, "targets">> | false;
  /** Loki and its log collector (Grafana Alloy, or `collector: "promtail"`); `false` leaves them out. @default Alloy, 168h retention */
  readonly loki?: PartProps<LokiStackProps> | false;
  /** Grafana with both data sources and dashboards; needs Prometheus and Loki; `false` leaves it out. @default on 127.0.0.1:3000 */
  readonly grafana?: PartProps<Omit<GrafanaProps, "prometheus" | "loki" | "multiHost">> | false;
  /**
   * Prometheus node-exporter for the Docker host's CPU, memory, load and file
   * systems, scraped by Prometheus and shown in the cluster dashboard's Host
   * row: `true`, or its props. Opt-in, since it mounts the host's /proc, /sys
   * and root file system (read-only). With hosts, one runs on every host,
   * published on the host's address and scraped with a `host` label.
   * @default false
   */
  readonly nodeExporter?: PartProps<NodeExporterProps> | boolean;
  /**
   * cAdvisor for the stack's own containers' CPU, memory, restarts and OOM
   * kills, scraped by Prometheus, shown in the cluster dashboard's Containers
   * row and watched by the ContainerRestarting and ContainerOomKilled alerts:
   * `true`, or its props. Opt-in, since it reads the host's cgroup tree,
   * Docker's layer database and the kernel log (read-only, with CAP_SYSLOG)
   * and asks the engine through its own read-only socket proxy. Refused
   * together with hosts (it would watch one engine only).
   * @default false
   */
  readonly cadvisor?: PartProps<CadvisorProps> | boolean;
}

/**
 * The whole monitoring topology in one Terraform stack: the Docker and
 * random providers, a dedicated network, and the parts wired together:
 * Prometheus scrapes Surveyor, the exporter, Loki, the log collector and
 * Grafana; Loki's ruler alerts through Prometheus's Alertmanager when that
 * is enabled; Grafana queries Prometheus and Loki.
 */
export class NatsMonitoringStack extends TerraformStack {
  /** The stack's Docker network. */
  readonly network: Network;
  /** The JetStream cluster. */
  readonly nats: NatsCluster;
  /** NATS Surveyor, unless `surveyor: false`. */
  readonly surveyor?: Surveyor;
  /** prometheus-nats-exporter, unless `exporter: false`. */
  readonly exporter?: NatsExporter;
  /** Prometheus (and Alertmanager when enabled), unless `prometheus: false`. */
  readonly prometheus?: PrometheusStack;
  /** Loki and the log collector, unless `loki: false`. */
  readonly loki?: LokiStack;
  /** Grafana, unless `grafana: false`. */
  readonly grafana?: Grafana;
  /** node-exporter for the Docker host, when `nodeExporter` is set; with hosts, the monitoring host's. */
  readonly nodeExporter?: NodeExporter;
  /** With hosts and `nodeExporter`: the node-exporter of every host, by host name. */
  readonly hostNodeExporters?: Readonly<Record<string, NodeExporter>>;
  /** With hosts: each host's engine (provider and network), by host name. */
  readonly hostEngines?: Readonly<Record<string, HostEngine>>;
  /** With hosts: the exporter of each host that runs NATS nodes, by host name. */
  readonly hostExporters?: Readonly<Record<string, NatsExporter>>;
  /** cAdvisor for the stack's containers, when `cadvisor` is set. */
  readonly cadvisor?: Cadvisor;
  /** With hosts: the log collector of each NATS host other than the monitoring host, by host name. */
  private readonly hostCollectors: Record<string, LogCollector> = {};

  constructor(scope: Construct, id: string, props: NatsMonitoringStackProps = {}) {
    super(scope, id);
    validateStackSettings(this, props);
    const hosts = resolveHosts(this, props, props.nats?.nodes ?? 3);
    if (props.dockerHost !== undefined) requireDockerHost(this, props.dockerHost);
    const registryAuth = resolveRegistryAuth(this, props.registryAuth);
    // Several hosts: one aliased provider each, and no default one, so that nothing lands on an engine by accident.
    if (!hosts) new DockerProvider(this, "docker", { host: props.dockerHost, registryAuth });
    new RandomProvider(this, "random");
    new TlsProvider(this, "tls");

    const prefix = props.namePrefix === undefined ? "" : `${requireNamePrefix(this, props.namePrefix)}-`;
    const networkName = requireDnsLabel(this, "networkName", props.networkName ?? `${prefix}${DEFAULT_NETWORK_NAME}`);
    const engines = hosts && hostEngines(this, hosts, networkName, registryAuth);
    this.hostEngines = engines;
    const monitoring = hosts && engines ? (engines[hosts.monitoringHost] as HostEngine) : undefined;
    this.network = monitoring?.network ?? new Network(this, "network", { name: networkName, driver: "bridge" });
    const shared = {
      network: this.network,
      namePrefix: props.namePrefix,
      bindAddress: props.bindAddress,
      exposeToAllNetworks: props.exposeToAllNetworks,
    };
    const data = { protectData: props.protectData ?? true };

    const placement = hosts && engines ? hosts.placement.map((host) => engines[host] as HostEngine) : undefined;
    // Across hosts the client port is on the network between them: TLS on it too, unless the settings say otherwise.
    const acrossHosts = placement && { clientTls: true };
    this.nats = new NatsCluster(this, "Nats", { ...shared, ...data, ...acrossHosts, ...props.nats, placement });
    const cluster = this.nats;
    if (props.surveyor !== false) this.surveyor = new Surveyor(this, "Surveyor", { ...shared, ...props.surveyor, cluster });
    let exporterTarget: IScrapeable | undefined;
    if (props.exporter !== false && hosts && engines) {
      this.hostExporters = this.addHostExporters(hosts, engines, props);
      const exporters = Object.values(this.hostExporters);
      this.exporter = exporters[0];
      exporterTarget = hostLabelledTarget(SCRAPE_JOBS.exporter, this.hostExporters);
    } else if (props.exporter !== false) {
      this.exporter = new NatsExporter(this, "Exporter", { ...shared, ...props.exporter, cluster });
      exporterTarget = this.exporter;
    }
    if (props.prometheus !== false) {
      const targets = [this.surveyor, exporterTarget].filter((part) => part !== undefined);
      this.prometheus = new PrometheusStack(this, "Prometheus", { ...shared, ...data, ...props.prometheus, targets });
    }
    if (props.nodeExporter !== undefined && props.nodeExporter !== false) {
      const own = props.nodeExporter === true ? {} : props.nodeExporter;
      if (hosts && engines) {
        this.hostNodeExporters = addHostNodeExporters(this, hosts, engines, props.namePrefix, own);
        this.nodeExporter = this.hostNodeExporters[hosts.monitoringHost];
        this.prometheus?.addScrapeTarget(hostLabelledTarget(SCRAPE_JOBS.nodeExporter, this.hostNodeExporters));
      } else {
        this.nodeExporter = new NodeExporter(this, "NodeExporter", { ...shared, ...own });
        this.prometheus?.addScrapeTarget(this.nodeExporter);
      }
    }
    if (props.cadvisor !== undefined && props.cadvisor !== false) {
      if (hosts) refuseCadvisorOverHosts(this, props.cadvisor);
      const own = props.cadvisor === true ? {} : props.cadvisor;
      this.cadvisor = new Cadvisor(this, "Cadvisor", { ...shared, ...own });
      this.prometheus?.addScrapeTarget(this.cadvisor);
    }
    if (props.loki !== false) {
      this.loki = new LokiStack(this, "Loki", {
        ...shared,
        ...data,
        alertmanagerUrl: this.prometheus?.alertmanagerUrl,
        // Collectors on the other hosts push to Loki's published port on the monitoring host's address.
        ...(monitoring && { bindAddress: monitoring.address, collectorHost: monitoring.name }),
        ...props.loki,
      });
      for (const target of this.loki.scrapeTargets) this.prometheus?.addScrapeTarget(target);
      if (hosts && engines) {
        const pushUrl = `${this.loki.hostUrl}${LOKI_PUSH_PATH}`;
        for (const name of natsHosts(hosts)) {
          if (name !== hosts.monitoringHost) {
            this.hostCollectors[name] = this.loki.addHostCollector(name, (engines[name] as HostEngine).network, pushUrl);
          }
        }
      }
    }
    if (props.grafana !== false) {
      if (!this.prometheus || !this.loki) {
        const missing = this.prometheus ? "loki" : "prometheus";
        throw propError(
          this,
          missing,
          false,
          "must be on while Grafana is, since Grafana's dashboards query it",
          `set grafana: false too, or keep ${missing}`,
        );
      }
      this.grafana = new Grafana(this, "Grafana", {
        ...shared,
        ...data,
        prometheusScrapeInterval: this.prometheus.scrapeInterval,
        ...props.grafana,
        multiHost: hosts !== undefined,
        prometheus: this.prometheus,
        loki: this.loki,
      });
      this.prometheus.addScrapeTarget(this.grafana);
    }

    const parts = {
      nats: true,
      surveyor: this.surveyor !== undefined,
      exporter: this.exporter !== undefined,
      prometheus: this.prometheus !== undefined,
      alertmanager: this.prometheus?.alertmanager !== undefined,
      loki: this.loki !== undefined,
      grafana: this.grafana !== undefined,
    };
    // Turning a part off forgets its volumes instead of deleting them.
    new KeptVolumes(this, "KeptVolumes", STACK_PART_VOLUME_PATHS);
    warnAboutMissingMetrics(this, parts);
    this.addOutputs(parts);
    if (hosts) this.addHostsOutput(hosts);
  }

  /**
   * One exporter per host with NATS nodes (ids `Exporter-<host>`), on that
   * host's engine, reading the nodes there by container name and published
   * on the host's address for the monitoring host's Prometheus.
   */
  private addHostExporters(
    hosts: ResolvedHosts,
    engines: Readonly<Record<string, HostEngine>>,
    props: NatsMonitoringStackProps,
  ): Record<string, NatsExporter> {
    const exporters: Record<string, NatsExporter> = {};
    const own = props.exporter === false ? {} : props.exporter;
    for (const name of natsHosts(hosts)) {
      const engine = engines[name] as HostEngine;
      exporters[name] = new NatsExporter(this, `Exporter-${name}`, {
        namePrefix: props.namePrefix,
        bindAddress: engine.address,
        ...own,
        network: engine.network,
        cluster: this.nats,
        nodeNames: this.nats.nodeNames.filter((_, i) => hosts.placement[i] === name),
      });
    }
    return exporters;
  }

  /**
   * The `hosts` output, only with hosts (so single-host plans do not change):
   * per host its engine, address, NATS servers and their URLs, exporter and
   * data volumes, so that natsmon checks every host's parts and names the
   * host of a failing one.
   */
  private addHostsOutput(hosts: ResolvedHosts): void {
    const monitoringVolumes = [this.prometheus, this.loki, this.grafana].flatMap((part) => part?.dataVolumes ?? []);
    const value: Record<string, HostOutput> = {};
    for (const name of hosts.names) {
      const onHost = this.nats.nodeNames.flatMap((_node, i) => (hosts.placement[i] === name ? [i] : []));
      const exporter = this.hostExporters?.[name];
      const collector = this.hostCollectors[name];
      value[name] = {
        docker_host: (hosts.hosts[name] as { dockerHost: string }).dockerHost,
        address: (hosts.hosts[name] as { address: string }).address,
        monitoring: name === hosts.monitoringHost,
        nats_servers: onHost.map((i) => this.nats.nodeNames[i] as string),
        nats_urls: onHost.map((i) => this.nats.clientUrls[i] as string),
        ...(exporter && { exporter_url: exporter.hostUrl }),
        data_volumes: [
          ...onHost.map((i) => (this.nats.dataVolumes[i] as { name: string }).name),
          ...(collector ? [collector.dataVolume.name] : []),
          ...(name === hosts.monitoringHost ? monitoringVolumes.map((volume) => volume.name) : []),
        ],
      };
    }
    new TerraformOutput(this, OUTPUTS.hosts, {
      value,
      description: "Each Docker host's engine, address, NATS servers, exporter and data volumes; natsmon reads it",
    });
  }

  /** `cdktf synth --hcl` output as plain Terraform: see {@link portableHcl}. */
  override toHclTerraform(): Record<string, unknown> {
    return portableHcl(this, super.toHclTerraform() as HclSynthesis);
  }

  /** What `natsmon` and operators read with `cdktf output` / `terraform output -json`. */
  private addOutputs(parts: StackParts): void {
    const output = (name: OutputName, value: unknown, description: string, sensitive = false) => {
      if (value !== undefined) new TerraformOutput(this, name, { value, description, sensitive });
    };
    output(OUTPUTS.natsUrl, this.nats.hostClientUrl, "NATS client URL on the Docker host");
    output(OUTPUTS.natsServers, this.nats.nodeNames, "NATS server (container) names");
    output(OUTPUTS.natsSystemUser, this.nats.systemUser, "NATS system-account user");
    output(OUTPUTS.natsSystemPassword, this.nats.systemPassword, "NATS system-account password", true);
    output(OUTPUTS.natsAppUser, this.nats.appUser, "NATS application user (APP account), unless anonymous access is on");
    output(OUTPUTS.natsAppPassword, this.nats.appPassword, "NATS application user's password", true);
    output(
      OUTPUTS.natsCaCert,
      this.nats.clientTls ? this.nats.caCertPem : undefined,
      "PEM of the CA that clients verify the NATS servers with (client TLS on)",
    );
    output(OUTPUTS.surveyorUrl, this.surveyor?.hostUrl, "NATS Surveyor's metrics on the Docker host");
    output(OUTPUTS.exporterUrl, this.exporter?.hostUrl, "prometheus-nats-exporter's metrics on the Docker host");
    output(OUTPUTS.prometheusUrl, this.prometheus?.hostUrl, "Prometheus on the Docker host");
    output(OUTPUTS.alertmanagerUrl, this.prometheus?.alertmanager?.hostUrl, "Alertmanager on the Docker host");
    output(OUTPUTS.lokiUrl, this.loki?.hostUrl, "Loki's HTTP API on the Docker host");
    output(OUTPUTS.grafanaUrl, this.grafana?.hostUrl, "Grafana on the Docker host");
    output(OUTPUTS.grafanaAdminUser, this.grafana?.adminUser, "Grafana admin login");
    output(OUTPUTS.grafanaAdminPassword, this.grafana?.adminPassword, "Grafana admin password", true);
    const withData = [this.nats, this.prometheus, this.loki, this.grafana];
    output(
      OUTPUTS.dataVolumes,
      withData.flatMap((part) => part?.dataVolumes ?? []).map((volume) => volume.name),
      "Docker volumes that hold the stack's data",
    );
    output(OUTPUTS.parts, partNames(parts), "The parts this stack runs; natsmon check checks these");
  }
}

/**
 * One scrape job over the same agent on several hosts, each target reached on
 * its host's published address and labelled with its `host`: which host a
 * node (or a whole host, see NatsHostUnreachable) went missing from.
 */
function hostLabelledTarget(jobName: string, agents: Readonly<Record<string, { readonly hostUrl: string }>>): IScrapeable {
  const targets = Object.entries(agents).map(([host, agent]) => [new URL(agent.hostUrl).host, host] as const);
  return {
    scrapeTarget: {
      jobName,
      targets: targets.map(([target]) => target),
      targetLabels: Object.fromEntries(targets.map(([target, host]) => [target, { [LOG_LABELS.host]: host }])),
    },
  };
}

/**
 * One node-exporter per host (ids `NodeExporter-<host>`), monitoring host
 * included: each on its host's engine and network, published on the host's
 * address for the monitoring host's Prometheus, since a host's CPU, memory
 * and disks can only be read on that host.
 */
function addHostNodeExporters(
  stack: Construct,
  hosts: ResolvedHosts,
  engines: Readonly<Record<string, HostEngine>>,
  namePrefix: string | undefined,
  own: PartProps<NodeExporterProps>,
): Record<string, NodeExporter> {
  if (own.bindAddress !== undefined) {
    // One address for every host would publish (and scrape) them all at one place.
    throw propError(
      stack,
      "nodeExporter.bindAddress",
      own.bindAddress,
      "cannot be set together with hosts: each host's node-exporter is published on that host's address",
      "leave nodeExporter.bindAddress out; set each host's address in hosts.<name>.address",
    );
  }
  const exporters: Record<string, NodeExporter> = {};
  for (const name of hosts.names) {
    const engine = engines[name] as HostEngine;
    exporters[name] = new NodeExporter(stack, `NodeExporter-${name}`, {
      namePrefix,
      ...own,
      bindAddress: engine.address,
      network: engine.network,
    });
  }
  return exporters;
}

/**
 * cAdvisor is not spread over hosts: Prometheus scrapes it on the stack
 * network, and on the other hosts it would have to be published on the
 * host's address, where its UI and API (no login) describe every container
 * of that engine to the network between the hosts. Watching the monitoring
 * host alone would silently leave the NATS hosts' containers unwatched, so
 * the combination is refused.
 */
function refuseCadvisorOverHosts(stack: Construct, cadvisor: PartProps<CadvisorProps> | true): never {
  throw propError(
    stack,
    "cadvisor",
    cadvisor,
    "is not supported together with hosts: it would watch the containers of one engine only, and serves its API without a login",
    "leave cadvisor out of a stack over several hosts (nodeExporter runs on every host), or use it on a single-host stack",
  );
}

/** The hosts that run NATS nodes, in the order hosts lists them. */
function natsHosts(hosts: ResolvedHosts): string[] {
  return hosts.names.filter((name) => hosts.placement.includes(name));
}

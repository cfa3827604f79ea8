import { Network } from "@cdktf/provider-docker/lib/network/index.js";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider/index.js";
import { RandomProvider } from "@cdktf/provider-random/lib/provider/index.js";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider/index.js";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { OUTPUTS, type OutputName } from "../contract/index.js";
import { Cadvisor, type CadvisorProps } from "./cadvisor.js";
import { Grafana, type GrafanaProps } from "./grafana.js";
import { KeptVolumes, STACK_PART_VOLUME_PATHS } from "./kept-volumes.js";
import { LokiStack, type LokiStackProps } from "./loki-stack.js";
import { NatsCluster, type NatsClusterProps } from "./nats-cluster.js";
import { NatsExporter, type NatsExporterProps } from "./nats-exporter.js";
import { NodeExporter, type NodeExporterProps } from "./node-exporter.js";
import { type HclSynthesis, portableHcl } from "./portable-hcl.js";
import { requireDockerHost } from "./private/docker-host.js";
import { requireNamePrefix } from "./private/name-prefix.js";
import { validateStackSettings } from "./private/settings-validator.js";
import { partNames, type StackParts, warnAboutMissingMetrics } from "./private/stack-parts.js";
import { propError, requireDnsLabel } from "./private/validation.js";
import { PrometheusStack, type PrometheusStackProps } from "./prometheus-stack.js";
import { type RegistryAuth, resolveRegistryAuth } from "./registry-auth.js";
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
  /** The JetStream cluster. @default 3 nodes */
  readonly nats?: PartProps<NatsClusterProps>;
  /** NATS Surveyor, connected to the cluster; `false` leaves it out. @default on 127.0.0.1:7777 */
  readonly surveyor?: PartProps<Omit<SurveyorProps, "cluster">> | false;
  /** prometheus-nats-exporter, reading every node; `false` leaves it out. @default on 127.0.0.1:7778 */
  readonly exporter?: PartProps<Omit<NatsExporterProps, "cluster">> | false;
  /** Prometheus, scraping every part; `false` leaves it out. @default on 127.0.0.1:9090 */
  readonly prometheus?: PartProps<Omit<PrometheusStackProps, "targets">> | false;
  /** Loki and its log collector (Grafana Alloy, or `collector: "promtail"`); `false` leaves them out. @default Alloy, 168h retention */
  readonly loki?: PartProps<LokiStackProps> | false;
  /** Grafana with both data sources and dashboards; needs Prometheus and Loki; `false` leaves it out. @default on 127.0.0.1:3000 */
  readonly grafana?: PartProps<Omit<GrafanaProps, "prometheus" | "loki">> | false;
  /**
   * Prometheus node-exporter for the Docker host's CPU, memory, load and file
   * systems, scraped by Prometheus and shown in the cluster dashboard's Host
   * row: `true`, or its props. Opt-in, since it mounts the host's /proc, /sys
   * and root file system (read-only).
   * @default false
   */
  readonly nodeExporter?: PartProps<NodeExporterProps> | boolean;
  /**
   * cAdvisor for the stack's own containers' CPU, memory, restarts and OOM
   * kills, scraped by Prometheus, shown in the cluster dashboard's Containers
   * row and watched by the ContainerRestarting and ContainerOomKilled alerts:
   * `true`, or its props. Opt-in, since it reads the host's cgroup tree,
   * Docker's layer database and the kernel log (read-only, with CAP_SYSLOG)
   * and asks the engine through its own read-only socket proxy.
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
  /** node-exporter for the Docker host, when `nodeExporter` is set. */
  readonly nodeExporter?: NodeExporter;
  /** cAdvisor for the stack's containers, when `cadvisor` is set. */
  readonly cadvisor?: Cadvisor;

  constructor(scope: Construct, id: string, props: NatsMonitoringStackProps = {}) {
    super(scope, id);
    validateStackSettings(this, props);
    if (props.dockerHost !== undefined) requireDockerHost(this, props.dockerHost);
    new DockerProvider(this, "docker", { host: props.dockerHost, registryAuth: resolveRegistryAuth(this, props.registryAuth) });
    new RandomProvider(this, "random");
    new TlsProvider(this, "tls");

    const prefix = props.namePrefix === undefined ? "" : `${requireNamePrefix(this, props.namePrefix)}-`;
    const networkName = requireDnsLabel(this, "networkName", props.networkName ?? `${prefix}${DEFAULT_NETWORK_NAME}`);
    this.network = new Network(this, "network", { name: networkName, driver: "bridge" });
    const shared = {
      network: this.network,
      namePrefix: props.namePrefix,
      bindAddress: props.bindAddress,
      exposeToAllNetworks: props.exposeToAllNetworks,
    };
    const data = { protectData: props.protectData ?? true };

    this.nats = new NatsCluster(this, "Nats", { ...shared, ...data, ...props.nats });
    const cluster = this.nats;
    if (props.surveyor !== false) this.surveyor = new Surveyor(this, "Surveyor", { ...shared, ...props.surveyor, cluster });
    if (props.exporter !== false) this.exporter = new NatsExporter(this, "Exporter", { ...shared, ...props.exporter, cluster });
    if (props.prometheus !== false) {
      const targets = [this.surveyor, this.exporter].filter((part) => part !== undefined);
      this.prometheus = new PrometheusStack(this, "Prometheus", { ...shared, ...data, ...props.prometheus, targets });
    }
    if (props.nodeExporter !== undefined && props.nodeExporter !== false) {
      const own = props.nodeExporter === true ? {} : props.nodeExporter;
      this.nodeExporter = new NodeExporter(this, "NodeExporter", { ...shared, ...own });
      this.prometheus?.addScrapeTarget(this.nodeExporter);
    }
    if (props.cadvisor !== undefined && props.cadvisor !== false) {
      const own = props.cadvisor === true ? {} : props.cadvisor;
      this.cadvisor = new Cadvisor(this, "Cadvisor", { ...shared, ...own });
      this.prometheus?.addScrapeTarget(this.cadvisor);
    }
    if (props.loki !== false) {
      this.loki = new LokiStack(this, "Loki", {
        ...shared,
        ...data,
        alertmanagerUrl: this.prometheus?.alertmanagerUrl,
        ...props.loki,
      });
      for (const target of this.loki.scrapeTargets) this.prometheus?.addScrapeTarget(target);
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

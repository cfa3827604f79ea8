import { Network } from "@cdktf/provider-docker/lib/network/index.js";
import { DockerProvider, type DockerProviderRegistryAuth } from "@cdktf/provider-docker/lib/provider/index.js";
import { RandomProvider } from "@cdktf/provider-random/lib/provider/index.js";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider/index.js";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { Grafana, type GrafanaProps } from "./grafana.js";
import { LokiStack, type LokiStackProps } from "./loki-stack.js";
import { NatsCluster, type NatsClusterProps } from "./nats-cluster.js";
import { NatsExporter, type NatsExporterProps } from "./nats-exporter.js";
import { PrometheusStack, type PrometheusStackProps } from "./prometheus-stack.js";
import { Surveyor, type SurveyorProps } from "./surveyor.js";
import { propError, requireDnsLabel } from "./validation.js";

/** A part's props without the network, which the stack provides. */
export type PartProps<T> = Omit<T, "network">;

/** Props of {@link NatsMonitoringStack}, grouped per part. */
export interface NatsMonitoringStackProps {
  /** Prefixed to every container, volume and network name. @default no prefix */
  readonly namePrefix?: string;
  /** Name of the Docker network the stack creates. @default "nats-monitoring" (prefixed) */
  readonly networkName?: string;
  /** Host address for every published port. @default "127.0.0.1" */
  readonly bindAddress?: string;
  /** The Docker engine to talk to. @default the provider's: DOCKER_HOST or the local socket */
  readonly dockerHost?: string;
  /**
   * Credentials for private registries that the images come from, e.g.
   * `[{ address: "registry.example.com", configFile: "~/.docker/config.json" }]`.
   * A password belongs in a sensitive `TerraformVariable`.
   * @default none: public images only
   */
  readonly registryAuth?: DockerProviderRegistryAuth[];
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

  constructor(scope: Construct, id: string, props: NatsMonitoringStackProps = {}) {
    super(scope, id);
    new DockerProvider(this, "docker", { host: props.dockerHost, registryAuth: props.registryAuth });
    new RandomProvider(this, "random");
    new TlsProvider(this, "tls");

    const prefix = props.namePrefix === undefined ? "" : `${requireDnsLabel(this, "namePrefix", props.namePrefix)}-`;
    const networkName = requireDnsLabel(this, "networkName", props.networkName ?? `${prefix}nats-monitoring`);
    this.network = new Network(this, "network", { name: networkName, driver: "bridge" });
    const shared = { network: this.network, namePrefix: props.namePrefix, bindAddress: props.bindAddress };
    const data = { protectData: props.protectData ?? true };

    this.nats = new NatsCluster(this, "Nats", { ...shared, ...data, ...props.nats });
    const cluster = this.nats;
    if (props.surveyor !== false) this.surveyor = new Surveyor(this, "Surveyor", { ...shared, ...props.surveyor, cluster });
    if (props.exporter !== false) this.exporter = new NatsExporter(this, "Exporter", { ...shared, ...props.exporter, cluster });
    if (props.prometheus !== false) {
      const targets = [this.surveyor, this.exporter].filter((part) => part !== undefined);
      this.prometheus = new PrometheusStack(this, "Prometheus", { ...shared, ...data, ...props.prometheus, targets });
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

    this.addOutputs();
  }

  /** What `natsmon` and operators read with `cdktf output` / `terraform output -json`. */
  private addOutputs(): void {
    const output = (name: string, value: unknown, description: string, sensitive = false) => {
      if (value !== undefined) new TerraformOutput(this, name, { value, description, sensitive });
    };
    output("nats_url", this.nats.hostClientUrl, "NATS client URL on the Docker host");
    output("nats_servers", this.nats.nodeNames, "NATS server (container) names");
    output("nats_system_user", this.nats.systemUser, "NATS system-account user");
    output("nats_system_password", this.nats.systemPassword, "NATS system-account password", true);
    output("nats_app_user", this.nats.appUser, "NATS application user (APP account), unless anonymous access is on");
    output("nats_app_password", this.nats.appPassword, "NATS application user's password", true);
    output(
      "nats_ca_cert",
      this.nats.clientTls ? this.nats.caCertPem : undefined,
      "PEM of the CA that clients verify the NATS servers with (client TLS on)",
    );
    output("surveyor_url", this.surveyor?.hostUrl, "NATS Surveyor's metrics on the Docker host");
    output("exporter_url", this.exporter?.hostUrl, "prometheus-nats-exporter's metrics on the Docker host");
    output("prometheus_url", this.prometheus?.hostUrl, "Prometheus on the Docker host");
    output("alertmanager_url", this.prometheus?.alertmanager?.hostUrl, "Alertmanager on the Docker host");
    output("loki_url", this.loki?.hostUrl, "Loki's HTTP API on the Docker host");
    output("grafana_url", this.grafana?.hostUrl, "Grafana on the Docker host");
    output("grafana_admin_user", this.grafana?.adminUser, "Grafana admin login");
    output("grafana_admin_password", this.grafana?.adminPassword, "Grafana admin password", true);
    const parts = [this.nats, this.prometheus, this.loki, this.grafana];
    output(
      "data_volumes",
      parts.flatMap((part) => part?.dataVolumes ?? []).map((volume) => volume.name),
      "Docker volumes that hold the stack's data",
    );
  }
}

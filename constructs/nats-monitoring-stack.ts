import { Network } from "@cdktf/provider-docker/lib/network/index.js";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider/index.js";
import { RandomProvider } from "@cdktf/provider-random/lib/provider/index.js";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { NatsCluster, type NatsClusterProps } from "./nats-cluster.js";
import { NatsExporter, type NatsExporterProps } from "./nats-exporter.js";
import { PrometheusStack, type PrometheusStackProps } from "./prometheus-stack.js";
import { Surveyor, type SurveyorProps } from "./surveyor.js";
import { requireDnsLabel } from "./validation.js";

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
  /** The JetStream cluster. @default 3 nodes */
  readonly nats?: PartProps<NatsClusterProps>;
  /** NATS Surveyor, connected to the cluster; `false` leaves it out. @default on 127.0.0.1:7777 */
  readonly surveyor?: PartProps<Omit<SurveyorProps, "cluster">> | false;
  /** prometheus-nats-exporter, reading every node; `false` leaves it out. @default on 127.0.0.1:7778 */
  readonly exporter?: PartProps<Omit<NatsExporterProps, "cluster">> | false;
  /** Prometheus, scraping Surveyor and the exporter; `false` leaves it out. @default on 127.0.0.1:9090 */
  readonly prometheus?: PartProps<Omit<PrometheusStackProps, "targets">> | false;
}

/**
 * The whole monitoring topology in one Terraform stack: the Docker and
 * random providers, a dedicated network, and the parts wired together.
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

  constructor(scope: Construct, id: string, props: NatsMonitoringStackProps = {}) {
    super(scope, id);
    new DockerProvider(this, "docker", { host: props.dockerHost });
    new RandomProvider(this, "random");

    const prefix = props.namePrefix === undefined ? "" : `${requireDnsLabel(this, "namePrefix", props.namePrefix)}-`;
    const networkName = requireDnsLabel(this, "networkName", props.networkName ?? `${prefix}nats-monitoring`);
    this.network = new Network(this, "network", { name: networkName, driver: "bridge" });
    const shared = { network: this.network, namePrefix: props.namePrefix, bindAddress: props.bindAddress };

    this.nats = new NatsCluster(this, "Nats", { ...shared, ...props.nats });
    const cluster = this.nats;
    if (props.surveyor !== false) this.surveyor = new Surveyor(this, "Surveyor", { ...shared, ...props.surveyor, cluster });
    if (props.exporter !== false) this.exporter = new NatsExporter(this, "Exporter", { ...shared, ...props.exporter, cluster });
    if (props.prometheus !== false) {
      const targets = [this.surveyor, this.exporter].filter((part) => part !== undefined);
      this.prometheus = new PrometheusStack(this, "Prometheus", { ...shared, ...props.prometheus, targets });
    }

    new TerraformOutput(this, "nats_url", { value: this.nats.hostClientUrl, description: "NATS client URL on the Docker host" });
    new TerraformOutput(this, "nats_servers", { value: this.nats.nodeNames, description: "NATS server (container) names" });
    new TerraformOutput(this, "nats_system_user", { value: this.nats.systemUser });
    new TerraformOutput(this, "nats_system_password", { value: this.nats.systemPassword, sensitive: true });
    const url = (name: string, value: string | undefined, description: string) => {
      if (value !== undefined) new TerraformOutput(this, name, { value, description });
    };
    url("surveyor_url", this.surveyor?.hostUrl, "NATS Surveyor's metrics on the Docker host");
    url("exporter_url", this.exporter?.hostUrl, "prometheus-nats-exporter's metrics on the Docker host");
    url("prometheus_url", this.prometheus?.hostUrl, "Prometheus on the Docker host");
    url("alertmanager_url", this.prometheus?.alertmanager?.hostUrl, "Alertmanager on the Docker host");
    const parts = [this.nats, this.surveyor, this.exporter, this.prometheus];
    new TerraformOutput(this, "data_volumes", {
      value: parts.flatMap((part) => part?.dataVolumes ?? []).map((volume) => volume.name),
      description: "Docker volumes that hold the stack's data",
    });
  }
}

import { Network } from "@cdktf/provider-docker/lib/network/index.js";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider/index.js";
import { RandomProvider } from "@cdktf/provider-random/lib/provider/index.js";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { LokiStack, type LokiStackProps } from "./loki-stack.js";
import { NatsCluster, type NatsClusterProps } from "./nats-cluster.js";
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
  /** Loki and its log collector (Grafana Alloy, or `collector: "promtail"`). @default Alloy, 168h retention */
  readonly loki?: PartProps<LokiStackProps>;
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
  /** Loki and the log collector. */
  readonly loki: LokiStack;

  constructor(scope: Construct, id: string, props: NatsMonitoringStackProps = {}) {
    super(scope, id);
    new DockerProvider(this, "docker", { host: props.dockerHost });
    new RandomProvider(this, "random");

    const prefix = props.namePrefix === undefined ? "" : `${requireDnsLabel(this, "namePrefix", props.namePrefix)}-`;
    const networkName = requireDnsLabel(this, "networkName", props.networkName ?? `${prefix}nats-monitoring`);
    this.network = new Network(this, "network", { name: networkName, driver: "bridge" });
    const shared = { network: this.network, namePrefix: props.namePrefix, bindAddress: props.bindAddress };

    this.nats = new NatsCluster(this, "Nats", { ...shared, ...props.nats });
    this.loki = new LokiStack(this, "Loki", { ...shared, ...props.loki });

    new TerraformOutput(this, "nats_url", { value: this.nats.hostClientUrl, description: "NATS client URL on the Docker host" });
    new TerraformOutput(this, "nats_servers", { value: this.nats.nodeNames, description: "NATS server (container) names" });
    new TerraformOutput(this, "nats_system_user", { value: this.nats.systemUser });
    new TerraformOutput(this, "nats_system_password", { value: this.nats.systemPassword, sensitive: true });
    new TerraformOutput(this, "loki_url", { value: this.loki.hostUrl, description: "Loki's HTTP API on the Docker host" });
    new TerraformOutput(this, "data_volumes", {
      value: [...this.nats.dataVolumes, ...this.loki.dataVolumes].map((volume) => volume.name),
      description: "Docker volumes that hold the stack's data",
    });
  }
}

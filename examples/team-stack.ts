/**
 * Example (a): a team's own stack that takes only the parts it needs, the
 * JetStream cluster, Surveyor and Prometheus, into a network it already owns.
 * Synthesize it with:
 *
 *   npx cdktf synth --app "npx tsx examples/team-stack.ts"
 */
import { Network } from "@cdktf/provider-docker/lib/network/index.js";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider/index.js";
import { RandomProvider } from "@cdktf/provider-random/lib/provider/index.js";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider/index.js";
import { App, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { NatsCluster, PrometheusStack, Surveyor } from "nats-jetstream-monitoring";

/** The orders team's messaging stack: its network, a 5-node cluster, and metrics. */
export class OrdersMessagingStack extends TerraformStack {
  readonly cluster: NatsCluster;
  readonly prometheus: PrometheusStack;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new DockerProvider(this, "docker");
    new RandomProvider(this, "random");
    // The cluster's CA and node certificates (mutual TLS between the servers).
    new TlsProvider(this, "tls");

    // The team's network, shared with its own services.
    const network = new Network(this, "orders-net", { name: "orders" });

    this.cluster = new NatsCluster(this, "Nats", {
      network,
      nodes: 5,
      namePrefix: "orders",
      clusterName: "orders",
      maxFileStore: "50G",
      natsBox: false,
    });
    const surveyor = new Surveyor(this, "Surveyor", { network, cluster: this.cluster, namePrefix: "orders" });
    this.prometheus = new PrometheusStack(this, "Prometheus", {
      network,
      namePrefix: "orders",
      targets: [surveyor],
      scrapeInterval: "15s",
      retentionTime: "30d",
    });

    new TerraformOutput(this, "nats_url", { value: this.cluster.hostClientUrl });
    new TerraformOutput(this, "prometheus_url", { value: this.prometheus.hostUrl });
  }
}

if (process.argv[1]?.endsWith("team-stack.ts")) {
  const app = new App();
  new OrdersMessagingStack(app, "orders-messaging");
  app.synth();
}

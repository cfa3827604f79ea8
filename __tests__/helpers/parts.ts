import { Network } from "@cdktf/provider-docker/lib/network/index.js";
import { TerraformStack, Testing } from "cdktf";
import { NatsCluster } from "../../index.js";

/**
 * A bare stack "test" with a network and a 3-node cluster, for constructing
 * one part directly: its own checks run without NatsMonitoringStack's
 * settings schema in front of them.
 */
export function standaloneParts() {
  const stack = new TerraformStack(Testing.app(), "test");
  const network = new Network(stack, "network", { name: "nats-monitoring" });
  const cluster = new NatsCluster(stack, "Nats", { network });
  return { stack, network, cluster };
}

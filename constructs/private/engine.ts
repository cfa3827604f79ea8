import type { Network } from "@cdktf/provider-docker/lib/network/index.js";
import type { DockerProvider } from "@cdktf/provider-docker/lib/provider/index.js";

/**
 * Which Docker engine a resource lives on follows from the network it joins:
 * a multi-host stack makes one network per host with that host's aliased
 * provider, and everything placed on the host joins that network. A
 * single-host stack's network has no provider set (the default one).
 */
export function engineProvider(network: Network): DockerProvider | undefined {
  return network.provider as DockerProvider | undefined;
}

/** A key per engine for names and ports that must be unique on one engine: the provider alias, "" for the default provider. */
export function engineKey(network: Network): string {
  const provider = engineProvider(network);
  return provider?.alias ?? "";
}

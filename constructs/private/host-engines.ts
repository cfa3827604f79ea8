import { Network } from "@cdktf/provider-docker/lib/network/index.js";
import { DockerProvider, type DockerProviderRegistryAuth } from "@cdktf/provider-docker/lib/provider/index.js";
import type { Construct } from "constructs";
import type { DockerHostSettings } from "../docker-hosts.js";
import type { NatsNodeHost } from "../nats-cluster.js";
import type { ResolvedHosts } from "./multi-host-settings.js";
import { sensitiveVariableValue } from "./sensitive-variable.js";

/** One host's engine: its aliased provider and its network, which places whatever joins it on that engine. */
export interface HostEngine extends NatsNodeHost {
  readonly provider: DockerProvider;
}

/**
 * One docker provider per host (alias = host name, ids `docker-<host>`) and
 * one stack network per host (ids `network-<host>`, the same name on every
 * engine): Terraform's usual pattern for several engines. Each host's
 * resources sit under ids of their own, so adding a host adds resources and
 * touches no other host's.
 */
export function hostEngines(
  stack: Construct,
  resolved: ResolvedHosts,
  networkName: string,
  registryAuth: DockerProviderRegistryAuth[] | undefined,
): Record<string, HostEngine> {
  const engines: Record<string, HostEngine> = {};
  for (const name of resolved.names) {
    const host = resolved.hosts[name] as DockerHostSettings;
    const material = (key: "caMaterialVariable" | "certMaterialVariable" | "keyMaterialVariable", what: string) => {
      const variable = host[key];
      return variable === undefined
        ? undefined
        : sensitiveVariableValue(stack, variable, {
            prop: `hosts.${name}.${key}`,
            id: `${name}-${key}`,
            description: `${what} for the Docker engine of host ${name}`,
            example: `${name.replace(/-/g, "_")}_docker_${what.split(" ")[0]?.toLowerCase()}`,
          });
    };
    const provider = new DockerProvider(stack, `docker-${name}`, {
      alias: name,
      host: host.dockerHost,
      certPath: host.certPath,
      caMaterial: material("caMaterialVariable", "CA certificate PEM"),
      certMaterial: material("certMaterialVariable", "client certificate PEM"),
      keyMaterial: material("keyMaterialVariable", "client key PEM"),
      sshOpts: host.sshOpts,
      registryAuth,
    });
    const network = new Network(stack, `network-${name}`, { name: networkName, driver: "bridge", provider });
    engines[name] = { name, address: host.address, network, provider };
  }
  return engines;
}

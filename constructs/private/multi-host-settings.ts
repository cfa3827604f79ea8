import { Token } from "cdktf";
import type { IConstruct } from "constructs";
import type { DockerHostSettings } from "../docker-hosts.js";
import { closestNames } from "./did-you-mean.js";
import { requireDockerHost } from "./docker-host.js";
import { propError, requireIpv4 } from "./validation.js";

/** A host name: a DNS label that starts with a letter, as it is also the docker provider's alias. */
const HOST_NAME = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const MATERIAL = ["caMaterialVariable", "certMaterialVariable", "keyMaterialVariable"] as const;

/** The multi-host part of the stack's settings. */
export interface MultiHostInput {
  readonly hosts?: Readonly<Record<string, DockerHostSettings>>;
  readonly monitoringHost?: string;
  readonly natsPlacement?: readonly string[];
  readonly dockerHost?: string;
}

/** The hosts, validated, with the node placement and the monitoring host decided. */
export interface ResolvedHosts {
  /** Host names in settings order. */
  readonly names: readonly string[];
  readonly hosts: Readonly<Record<string, DockerHostSettings>>;
  readonly monitoringHost: string;
  /** The host of each NATS node, node1 first. */
  readonly placement: readonly string[];
}

/**
 * Checks `hosts`, `monitoringHost` and `natsPlacement`, and places the
 * `nodeCount` NATS nodes: as `natsPlacement` says, else round-robin over the
 * hosts that take NATS nodes, in the order the settings list them.
 * Undefined when no hosts are set (the single-host stack).
 */
export function resolveHosts(scope: IConstruct, input: MultiHostInput, nodeCount: number): ResolvedHosts | undefined {
  if (input.hosts === undefined) {
    for (const prop of ["monitoringHost", "natsPlacement"] as const) {
      if (input[prop] !== undefined) {
        throw propError(
          scope,
          prop,
          input[prop],
          "needs hosts: it names hosts of a stack over several Docker hosts",
          `add hosts, or leave ${prop} out`,
        );
      }
    }
    return undefined;
  }
  const hosts = input.hosts;
  const names = Object.keys(hosts);
  if (names.length === 0) {
    throw propError(
      scope,
      "hosts",
      hosts,
      "must name at least one Docker host",
      'add one like { "nats-a": { dockerHost: "ssh://deploy@10.0.0.11", address: "10.0.0.11" } }, or leave hosts out for one host',
    );
  }
  if (input.dockerHost !== undefined) {
    throw propError(
      scope,
      "dockerHost",
      input.dockerHost,
      "cannot be set together with hosts, which give each host its own engine address",
      "move it into the host it belongs to (hosts.<name>.dockerHost)",
    );
  }
  const addresses = new Map<string, string>();
  const engines = new Map<string, string>();
  for (const name of names) checkHost(scope, name, hosts[name] as DockerHostSettings, addresses, engines);

  const monitoringHost = input.monitoringHost ?? (names[0] as string);
  requireKnownHost(scope, "monitoringHost", monitoringHost, names);
  const placement = input.natsPlacement === undefined ? roundRobin(scope, hosts, names, nodeCount) : [...input.natsPlacement];
  if (placement.length !== nodeCount) {
    throw propError(
      scope,
      "natsPlacement",
      input.natsPlacement,
      `must name one host per NATS node, ${nodeCount} in all (nats.nodes), node1 first`,
      `list ${nodeCount} host names, or leave natsPlacement out for round-robin`,
    );
  }
  for (const [index, host] of placement.entries()) requireKnownHost(scope, `natsPlacement[${index}]`, host, names);
  for (const name of names) {
    if (name !== monitoringHost && !placement.includes(name)) {
      throw propError(
        scope,
        `hosts.${name}`,
        hosts[name]?.address,
        "runs nothing: no NATS node is placed on it and it is not the monitoring host",
        `place a node on it with natsPlacement, make it the monitoringHost, or remove it`,
      );
    }
  }
  return { names, hosts, monitoringHost, placement };
}

function checkHost(
  scope: IConstruct,
  name: string,
  host: DockerHostSettings,
  addresses: Map<string, string>,
  engines: Map<string, string>,
): void {
  if (!HOST_NAME.test(name)) {
    throw propError(
      scope,
      "hosts",
      name,
      "must be keyed by host names of lowercase letters, digits and -, starting with a letter (each is also a docker provider alias)",
      'use names like "nats-a" or "monitoring"',
    );
  }
  const prop = `hosts.${name}`;
  requireDockerHost(scope, host.dockerHost, `${prop}.dockerHost`);
  const address = requireIpv4(scope, `${prop}.address`, host.address);
  if (address === "0.0.0.0" || address.startsWith("127.")) {
    throw propError(
      scope,
      `${prop}.address`,
      address,
      "must be an address other hosts reach this one on, not a wildcard or loopback address",
      "use the host's address on the network the hosts share, e.g. 10.0.0.11",
    );
  }
  const twin = addresses.get(address);
  if (twin !== undefined) {
    throw propError(
      scope,
      `${prop}.address`,
      address,
      `is already the address of host ${twin}: two hosts cannot share one address`,
      "give each host its own address",
    );
  }
  addresses.set(address, name);
  if (!Token.isUnresolved(host.dockerHost)) {
    const sameEngine = engines.get(host.dockerHost);
    if (sameEngine !== undefined) {
      throw propError(
        scope,
        `${prop}.dockerHost`,
        host.dockerHost,
        `is already the engine of host ${sameEngine}: each host is one Docker engine`,
        "give each host its own engine address",
      );
    }
    engines.set(host.dockerHost, name);
  }
  checkTlsMaterial(scope, prop, host);
}

/** tcp:// carries root on the host: only with TLS. ssh:// and unix:// take no TLS material. */
function checkTlsMaterial(scope: IConstruct, prop: string, host: DockerHostSettings): void {
  const given = MATERIAL.filter((key) => host[key] !== undefined);
  const tcp = host.dockerHost.startsWith("tcp://");
  if (!tcp) {
    const extra = [...(host.certPath === undefined ? [] : ["certPath"]), ...given];
    if (extra.length > 0 && !Token.isUnresolved(host.dockerHost)) {
      throw propError(
        scope,
        `${prop}.${extra[0]}`,
        "(set)",
        "is TLS material for a tcp:// engine address, which this host does not have",
        `leave ${extra.join(" and ")} out, or use tcp://`,
      );
    }
    return;
  }
  if (host.certPath !== undefined && given.length > 0) {
    throw propError(
      scope,
      `${prop}.certPath`,
      host.certPath,
      "cannot be combined with the material variables: the provider takes one or the other",
      "keep certPath, or the three variables",
    );
  }
  if (host.certPath === undefined && given.length !== MATERIAL.length) {
    const missing = MATERIAL.filter((key) => host[key] === undefined);
    throw propError(
      scope,
      `${prop}.dockerHost`,
      host.dockerHost,
      `needs TLS for tcp://: the Docker API without TLS is root on that host for anyone who reaches it; missing ${missing.join(", ")}`,
      "set certPath to a folder with ca.pem, cert.pem and key.pem, or all three material variables, or use ssh://",
    );
  }
}

function requireKnownHost(scope: IConstruct, prop: string, host: string, names: readonly string[]): void {
  if (names.includes(host)) return;
  const close = closestNames(host, names);
  throw propError(
    scope,
    prop,
    host,
    `must be one of the hosts (${names.join(", ")})`,
    close.length > 0 ? `did you mean ${close.map((n) => `"${n}"`).join(" or ")}?` : "add the host to hosts, or name one that is there",
  );
}

/** node k on the ((k-1) mod n)-th host that takes NATS nodes. */
function roundRobin(
  scope: IConstruct,
  hosts: Readonly<Record<string, DockerHostSettings>>,
  names: readonly string[],
  nodeCount: number,
): string[] {
  const natsHosts = names.filter((name) => hosts[name]?.nats !== false);
  if (natsHosts.length === 0) {
    throw propError(
      scope,
      "hosts",
      names,
      "must have at least one host that takes NATS nodes (nats: false on every one)",
      "leave nats out on one host, or place the nodes with natsPlacement",
    );
  }
  return Array.from({ length: nodeCount }, (_, i) => natsHosts[i % natsHosts.length] as string);
}

import type { Network } from "@cdktf/provider-docker/lib/network/index.js";
import { Token } from "cdktf";
import type { IConstruct } from "constructs";
import { DEFAULT_BIND_ADDRESS } from "../contract/index.js";
import { requireImageReference } from "./private/image-reference.js";
import { requireNamePrefix } from "./private/name-prefix.js";
import { propError, requireIpv4, requireSize } from "./private/validation.js";

/** Props that every service construct of the project takes. */
export interface ServiceBaseProps {
  /** The Docker network the containers join; services find each other on it by container name. */
  readonly network: Network;
  /** The image to run, e.g. from a private registry. @default a pinned official image */
  readonly image?: string;
  /**
   * Prefixed, with a hyphen, to every container and volume name, so that
   * two stacks can share one Docker engine. A DNS label.
   * @default no prefix
   */
  readonly namePrefix?: string;
  /**
   * The host address that published ports bind to. "0.0.0.0" opens them to
   * every network the host is on.
   * @default "127.0.0.1"
   */
  readonly bindAddress?: string;
  /**
   * Acknowledges that `bindAddress: "0.0.0.0"` publishes this part's ports
   * to every network the Docker host is on; without it, "0.0.0.0" is refused.
   * @default false
   */
  readonly exposeToAllNetworks?: boolean;
  /** Memory limit of each container, e.g. "512M". @default per service */
  readonly memoryLimit?: string;
}

/** The base props with their defaults applied and validated. */
export interface ResolvedServiceBase {
  readonly network: Network;
  readonly image: string;
  readonly bindAddress: string;
  readonly memoryLimitBytes: number;
  /** The container or volume name for a base name, with the prefix. */
  readonly nameOf: (base: string) => string;
}

/** Applies defaults to the base props and validates them for `scope`. */
export function resolveServiceBase(
  scope: IConstruct,
  props: ServiceBaseProps,
  defaults: { readonly image: string; readonly memoryLimit: string },
): ResolvedServiceBase {
  const prefix = props.namePrefix === undefined ? "" : `${requireNamePrefix(scope, props.namePrefix)}-`;
  const image = props.image ?? defaults.image;
  if (!Token.isUnresolved(image)) requireImageReference(scope, "image", image);
  return {
    network: props.network,
    image,
    bindAddress: requireExposure(
      scope,
      requireIpv4(scope, "bindAddress", props.bindAddress ?? DEFAULT_BIND_ADDRESS),
      props.exposeToAllNetworks,
    ),
    memoryLimitBytes: requireMemoryLimit(scope, "memoryLimit", props.memoryLimit ?? defaults.memoryLimit),
    nameOf: (base) => `${prefix}${base}`,
  };
}

/** Docker refuses a container memory limit below 6 MB. */
const DOCKER_MIN_MEMORY_BYTES = 6 * 1024 ** 2;

/** A container memory limit such as "512M", in bytes, at least Docker's 6M. */
export function requireMemoryLimit(scope: IConstruct, prop: string, value: string): number {
  const bytes = requireSize(scope, prop, value);
  if (bytes < DOCKER_MIN_MEMORY_BYTES) {
    throw propError(scope, prop, value, "must be at least 6M, the smallest memory limit Docker accepts", 'write it like "128M" or "1G"');
  }
  return bytes;
}

/** "0.0.0.0" publishes to every network the host is on: only when the user says so. */
function requireExposure(scope: IConstruct, bindAddress: string, acknowledged: boolean | undefined): string {
  if (bindAddress === "0.0.0.0" && acknowledged !== true) {
    throw propError(
      scope,
      "bindAddress",
      bindAddress,
      "publishes every port to all networks the Docker host is on, which needs exposeToAllNetworks: true as well",
      "set exposeToAllNetworks: true if that is meant, or bind to one address such as 127.0.0.1 or the host's LAN address",
    );
  }
  return bindAddress;
}

import type { Network } from "@cdktf/provider-docker/lib/network/index.js";
import type { IConstruct } from "constructs";
import { propError, requireDnsLabel, requireIpv4, requireSize } from "./validation.js";

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
  const prefix = props.namePrefix === undefined ? "" : `${requireDnsLabel(scope, "namePrefix", props.namePrefix)}-`;
  const image = props.image ?? defaults.image;
  if (image.trim() === "" || /\s/.test(image)) {
    throw propError(
      scope,
      "image",
      image,
      "must be an image reference without spaces",
      'write it like "registry.example.com/nats:2.14.5-alpine"',
    );
  }
  return {
    network: props.network,
    image,
    bindAddress: requireIpv4(scope, "bindAddress", props.bindAddress ?? "127.0.0.1"),
    memoryLimitBytes: requireSize(scope, "memoryLimit", props.memoryLimit ?? defaults.memoryLimit),
    nameOf: (base) => `${prefix}${base}`,
  };
}

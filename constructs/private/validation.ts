import type { IConstruct } from "constructs";
import { parseDuration, parseSize } from "./units.js";

/**
 * Thrown at synth time when a prop breaks a rule. The message names the
 * construct, its path, the prop, the value, the rule and the fix, e.g.
 * `NatsCluster "stack/Nats": nodes must be an odd number from 1 to 15 for a
 * JetStream quorum, got 4 (use 3 or 5)`.
 */
export class PropValidationError extends Error {
  constructor(
    readonly constructPath: string,
    readonly prop: string,
    readonly value: unknown,
    message: string,
  ) {
    super(message);
    this.name = "PropValidationError";
  }
}

/** Builds the error for one bad prop of one construct. */
export function propError(scope: IConstruct, prop: string, value: unknown, rule: string, fix: string): PropValidationError {
  const kind = scope.constructor.name;
  const path = scope.node.path;
  const message = `${kind} "${path}": ${prop} ${rule}, got ${formatValue(value)} (${fix})`;
  return new PropValidationError(path, prop, value, message);
}

/** The value as the user wrote it: JSON where possible, NaN as NaN, a construct by its class, long values cut. */
function formatValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "undefined";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // A construct refers to its tree, which JSON cannot hold.
    text = undefined;
  }
  if (text === undefined) return typeof value === "object" && value !== null ? `a ${value.constructor?.name ?? "value"}` : String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A Docker container or volume name that is also a host name on the stack
 * network must be a DNS label: lower case letters, digits and inner hyphens.
 */
export function requireDnsLabel(
  scope: IConstruct,
  prop: string,
  value: string,
  why = "because it becomes a host name on the stack network",
  example = "team-a",
): string {
  if (!DNS_LABEL.test(value)) {
    throw propError(
      scope,
      prop,
      value,
      `must be a DNS label (lower-case letters, digits and inner hyphens, at most 63 characters) ${why}`,
      `use something like "${example}"`,
    );
  }
  return value;
}

/** A TCP port: an integer from 1 to 65535; the hint suggests `defaultPort`, the prop's default. */
export function requirePort(scope: IConstruct, prop: string, value: number, defaultPort?: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    const fix = defaultPort === undefined ? "pick a free port from 1 to 65535" : `use ${defaultPort}, the default, or another free port`;
    throw propError(scope, prop, value, "must be a TCP port, an integer from 1 to 65535", fix);
  }
  return value;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The host address that published ports bind to. */
export function requireIpv4(scope: IConstruct, prop: string, value: string): string {
  if (!IPV4.test(value)) {
    throw propError(
      scope,
      prop,
      value,
      "must be an IPv4 address of the Docker host",
      'keep the default "127.0.0.1", or "0.0.0.0" to open the port to every network',
    );
  }
  return value;
}

/** A size such as "256M" or "10G", returned in bytes. */
export function requireSize(scope: IConstruct, prop: string, value: string): number {
  const bytes = parseSize(value);
  if (bytes === undefined) {
    throw propError(
      scope,
      prop,
      value,
      "must be a size: a positive number with an optional K, M, G or T suffix (powers of 1024)",
      'write it like "256M" or "10G"',
    );
  }
  return bytes;
}

/** A duration such as "30s", "2m" or "1h30m", returned in seconds. */
export function requireDuration(scope: IConstruct, prop: string, value: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined) {
    throw propError(
      scope,
      prop,
      value,
      "must be a positive duration in hours, minutes and seconds",
      'write it like "30s", "2m" or "1h30m"',
    );
  }
  return seconds;
}

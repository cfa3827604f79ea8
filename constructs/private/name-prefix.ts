import type { IConstruct } from "constructs";
import { propError, requireDnsLabel } from "./validation.js";

/**
 * The longest name the prefix goes in front of: Promtail's positions volume.
 * Container names are host names on the stack network, so prefix + "-" +
 * name must stay a 63-character DNS label.
 */
const LONGEST_PREFIXED_NAME = "promtail-positions";
export const MAX_NAME_PREFIX_LENGTH = 63 - 1 - LONGEST_PREFIXED_NAME.length;

/** A name prefix: a DNS label short enough for every name it prefixes. */
export function requireNamePrefix(scope: IConstruct, value: string): string {
  requireDnsLabel(scope, "namePrefix", value);
  if (value.length > MAX_NAME_PREFIX_LENGTH) {
    throw propError(
      scope,
      "namePrefix",
      value,
      `must be at most ${MAX_NAME_PREFIX_LENGTH} characters, so that every name it prefixes (up to "${value}-${LONGEST_PREFIXED_NAME}") stays a 63-character host name`,
      `shorten it to ${MAX_NAME_PREFIX_LENGTH} characters or fewer`,
    );
  }
  return value;
}

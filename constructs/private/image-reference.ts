import type { IConstruct } from "constructs";
import { propError } from "./validation.js";

// Docker's reference grammar (distribution/reference): an optional registry
// host (upper case allowed, optional port), lower-case path components, an
// optional tag and an optional digest.
const HOST_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
// The first component is a registry only with a dot, a port or "localhost"
// ("registry.example.com", "registry:5000"); otherwise it is part of the
// path, which must be lower case ("NatsIO/nats-box" is a mistake, not a host).
const PORT = "(?::[0-9]+)";
const HOST = `(?:localhost${PORT}?|${HOST_COMPONENT}(?:\\.${HOST_COMPONENT})+${PORT}?|${HOST_COMPONENT}${PORT}|\\[[0-9a-fA-F:]+\\]${PORT}?)`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(`^(?:${HOST}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`);

/**
 * An image reference Docker accepts, e.g. "nats:2.14.5-alpine" or
 * "registry.example.com:5000/mirror/nats:2.14.5-alpine@sha256:...". The
 * repository path must be lower case; the registry host may not be.
 */
export function requireImageReference(scope: IConstruct, prop: string, value: string): string {
  if (REFERENCE.test(value)) return value;
  const lowered = value.replace(/^([^/]+\/)?(.*?)(:[\w][\w.-]*)?(@.*)?$/, (_, host = "", path: string, tag = "", digest = "") => {
    const registry = host !== "" && /[.:]|^localhost\//.test(host) ? host : host.toLowerCase();
    return `${registry}${path.toLowerCase()}${tag}${digest}`;
  });
  const fix =
    lowered !== value && REFERENCE.test(lowered)
      ? `the repository path must be lower case: write "${lowered}"`
      : 'write it like "nats:2.14.5-alpine" or "registry.example.com/mirror/nats:2.14.5-alpine"';
  throw propError(scope, prop, value, "must be a Docker image reference: [registry/]lower-case/path[:tag][@digest], without spaces", fix);
}

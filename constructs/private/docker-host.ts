import { Token } from "cdktf";
import type { IConstruct } from "constructs";
import { propError } from "./validation.js";

const SCHEMES = ["unix:", "tcp:", "ssh:", "npipe:"];

/** A Docker engine address the provider can dial: unix://, tcp://, ssh:// or npipe://. */
export function requireDockerHost(scope: IConstruct, value: string, prop = "dockerHost"): string {
  if (Token.isUnresolved(value)) return value;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const ok =
    url !== undefined &&
    SCHEMES.includes(url.protocol) &&
    (url.protocol === "unix:" || url.protocol === "npipe:" ? url.pathname.length > 1 : url.hostname !== "");
  if (!ok) {
    throw propError(
      scope,
      prop,
      value,
      "must be a Docker engine address: unix://PATH, tcp://HOST:PORT, ssh://USER@HOST or npipe://PATH",
      'write it like "unix:///var/run/docker.sock" or "ssh://deploy@docker-host"; leave it out for DOCKER_HOST or the local socket',
    );
  }
  return value;
}

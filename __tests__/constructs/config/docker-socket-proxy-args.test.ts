import { describe, expect, it } from "vitest";
import {
  DOCKER_SOCKET_PROXY_ALLOWED_GET,
  DOCKER_SOCKET_PROXY_ALLOWED_HEAD,
  renderDockerSocketProxyArgs,
} from "../../../constructs/config/docker-socket-proxy-args.js";

/** socket-proxy anchors each pattern with ^ and $; the patterns use only syntax that Go's regexp and JavaScript read alike. */
function allowed(patterns: readonly string[], path: string): boolean {
  return new RegExp(`^(?:${patterns.join("|")})$`).test(path);
}

describe("the Docker socket proxy's allowlist", () => {
  it.each([
    "/_ping",
    "/v1.43/_ping",
    "/version",
    "/v1.41/version",
    "/v1.43/containers/json",
    "/containers/json",
    "/v1.43/containers/4f2c0a1b9e/json",
    "/v1.43/containers/live-nats-node1/logs",
    "/v1.43/events",
  ])("lets the collector GET %s", (path) => {
    expect(allowed(DOCKER_SOCKET_PROXY_ALLOWED_GET, path)).toBe(true);
  });

  it.each([
    "/v1.43/containers/abc/archive",
    "/v1.43/containers/abc/export",
    "/v1.43/containers/abc/top",
    "/v1.43/containers/abc/logs/../archive",
    "/v1.43/images/json",
    "/v1.43/volumes",
    "/v1.43/info",
    "/v1.43/secrets",
    "/v1.43/exec/abc/json",
    "/v1.43/containers/json/../../images/json",
    "/v1.43/containers/a/b/json",
  ])("refuses GET %s", (path) => {
    expect(allowed(DOCKER_SOCKET_PROXY_ALLOWED_GET, path)).toBe(false);
  });

  it("allows HEAD only on /_ping (API version negotiation), and no writing method at all", () => {
    expect(allowed(DOCKER_SOCKET_PROXY_ALLOWED_HEAD, "/_ping")).toBe(true);
    expect(allowed(DOCKER_SOCKET_PROXY_ALLOWED_HEAD, "/v1.43/containers/json")).toBe(false);
    const args = renderDockerSocketProxyArgs({ allowFrom: "alloy", socketPath: "/var/run/docker.sock" });
    expect(args.filter((arg) => arg.startsWith("-allow") && !/^-allow(GET|HEAD|from|healthcheck)\b/.test(arg))).toEqual([]);
    expect(args).toContain("-allowfrom=alloy");
    expect(args).toContain("-socketpath=/var/run/docker.sock");
    expect(args).toContain("-listenip=0.0.0.0");
  });
});

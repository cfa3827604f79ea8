/**
 * The command line of the Docker socket proxy (wollomatic/socket-proxy, a
 * static Go binary configured by flags alone): which Docker API requests the
 * log collector may make. socket-proxy anchors every pattern (`^...$`), in Go
 * regexp syntax; the patterns here use only what Go and JavaScript read alike,
 * so the tests check them with JavaScript's RegExp.
 */

/** The port the proxy listens on; the collector's DOCKER_HOST is tcp://<proxy>:2375. */
export const DOCKER_SOCKET_PROXY_PORT = 2375;

/**
 * An optional API version prefix, as the Docker Go client sends it: /v1.43/containers/json.
 * The dot as `[.]`, not `\.`: a backslash in a string becomes an invalid escape in
 * the HCL that `cdktf synth --hcl` writes.
 */
const VERSION = "(/v[0-9]+[.][0-9]+)?";
/** A container id or name. */
const CONTAINER = "[a-zA-Z0-9][a-zA-Z0-9_.-]*";

/**
 * The read endpoints Alloy's discovery.docker / loki.source.docker and
 * Promtail's docker_sd_configs use: version negotiation (`/_ping`,
 * `/version`), the container list, one container's details and its log
 * stream, and the event stream. Nothing that writes, and none of the other
 * read endpoints (`/containers/{id}/archive` would hand out a container's
 * files, `/images`, `/volumes`, `/info`, `/secrets`).
 */
export const DOCKER_SOCKET_PROXY_ALLOWED_GET = [
  `${VERSION}/_ping`,
  `${VERSION}/version`,
  `${VERSION}/events`,
  `${VERSION}/containers/json`,
  `${VERSION}/containers/${CONTAINER}/(json|logs)`,
] as const;

/**
 * The read endpoints cAdvisor's Docker driver uses: version negotiation, the
 * engine's info (its storage driver and data root, which tell cAdvisor where
 * a container's layer is) and one container's details (its name, image,
 * labels and start time). No container list, logs or events: cAdvisor finds
 * containers by their cgroups.
 */
export const CADVISOR_SOCKET_PROXY_ALLOWED_GET = [
  `${VERSION}/_ping`,
  `${VERSION}/version`,
  `${VERSION}/info`,
  `${VERSION}/containers/${CONTAINER}/json`,
] as const;

/** HEAD requests: the client's API version negotiation. */
export const DOCKER_SOCKET_PROXY_ALLOWED_HEAD = [`${VERSION}/_ping`] as const;

/** What the proxy's command line is made of. */
export interface DockerSocketProxyArgsInput {
  /** The only host name (container name) allowed to connect. */
  readonly allowFrom: string;
  /** The Docker socket inside the proxy's container. */
  readonly socketPath: string;
  /** The GET requests it lets through, as anchored patterns. @default DOCKER_SOCKET_PROXY_ALLOWED_GET, the log collector's */
  readonly allowGet?: readonly string[];
}

/** The proxy's flags: listen on every address of its container, admit one client, allow the read endpoints given (the log collector's by default). */
export function renderDockerSocketProxyArgs(input: DockerSocketProxyArgsInput): string[] {
  return [
    "-loglevel=info",
    "-listenip=0.0.0.0",
    `-proxyport=${DOCKER_SOCKET_PROXY_PORT}`,
    `-socketpath=${input.socketPath}`,
    `-allowfrom=${input.allowFrom}`,
    `-allowGET=${(input.allowGet ?? DOCKER_SOCKET_PROXY_ALLOWED_GET).join("|")}`,
    `-allowHEAD=${DOCKER_SOCKET_PROXY_ALLOWED_HEAD.join("|")}`,
    // The image ships a ./healthcheck binary that asks the proxy itself.
    "-allowhealthcheck",
    // After an engine restart the socket connection can break: exit, and
    // let the restart policy bring the proxy back.
    "-watchdoginterval=60",
    "-stoponwatchdog",
  ];
}

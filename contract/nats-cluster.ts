/** The NATS cluster's name (`cluster.name`, Surveyor's `server_cluster` label) unless set. */
export const DEFAULT_NATS_CLUSTER_NAME = "nats";

/** The container name of the NATS node with 1-based `ordinal`, before the prefix: `nats-node1`. */
export function natsNodeName(ordinal: number): string {
  return `nats-node${ordinal}`;
}

/**
 * The command that asks a NATS node's monitoring port from inside its
 * container (`wget`, busybox's and GNU's alike), writing the body to
 * `output` ("-" for stdout): the node's healthcheck and natsmon's health
 * questions. Over HTTPS (`monitoringTls`) the certificate is not checked:
 * the request never leaves the container's loopback, and busybox's wget
 * cannot be given a CA file. The image's wget must hand TLS to a real TLS
 * library (Alpine's does, through ssl_client): busybox's own TLS code fails
 * the handshake with nats-server built with Go 1.25 or later.
 */
export function natsMonitorRequest(port: number, path: string, https: boolean, output: string): string[] {
  return https
    ? ["wget", "-q", "--no-check-certificate", "-O", output, `https://127.0.0.1:${port}${path}`]
    : ["wget", "-q", "-O", output, `http://127.0.0.1:${port}${path}`];
}

/**
 * Set to 1 at synth time to let a plain apply replace NATS node containers
 * (no `prevent_destroy` on them); `natsmon rollout` needs a stack synthesized so.
 */
export const ALLOW_NATS_REPLACE_ENV = "NATSMON_ALLOW_NATS_REPLACE";

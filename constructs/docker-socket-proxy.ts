import { Network } from "@cdktf/provider-docker/lib/network/index.js";
import { Construct } from "constructs";
import { COMPONENTS, LABELS } from "../contract/index.js";
import { DOCKER_SOCKET_PROXY_PORT, renderDockerSocketProxyArgs } from "./config/docker-socket-proxy-args.js";
import { DockerService } from "./docker-service.js";

/** Props of {@link DockerSocketProxy}; LogCollector fills them in. */
export interface DockerSocketProxyProps {
  /** The stack's network: only its name, for the `natsmon.project` label; the proxy does not join it. */
  readonly stackNetwork: Network;
  /** Container name of the proxy, e.g. "docker-socket-proxy". */
  readonly name: string;
  /** Name of the internal network that the proxy and its one client share. */
  readonly networkName: string;
  /** The only container (by name) allowed to connect. */
  readonly client: string;
  readonly image: string;
  /** The Docker socket on the host, mounted read-only. */
  readonly dockerSocketPath: string;
  readonly memoryLimitBytes: number;
  /** The GET requests the client may make, as anchored patterns. @default the log collector's (DOCKER_SOCKET_PROXY_ALLOWED_GET) */
  readonly allowGet?: readonly string[];
}

/**
 * A filtering proxy in front of the Docker socket (wollomatic/socket-proxy):
 * one per client (the log collector, cAdvisor), each letting through only
 * what its client reads. For the log collector: it reads the container list, container details, log streams
 * and events through it, and every other request (any write, `exec`, file
 * copies out of containers, image and volume calls) is refused with 403.
 *
 * It is the only container that mounts the socket. It sits alone with its
 * client on an internal network (no route out, not joined by any other
 * container), admits that client's host name only, publishes no port, runs
 * with a read-only root filesystem and no capabilities. It runs as uid 0
 * because the socket on the host is root's (0660 root:docker), and the
 * docker group's id differs from host to host.
 */
export class DockerSocketProxy extends Construct {
  readonly service: DockerService;
  /** The internal network the proxy and its client share. */
  readonly network: Network;
  /** What the client sets as DOCKER_HOST, e.g. tcp://docker-socket-proxy:2375. */
  readonly dockerHost: string;

  constructor(scope: Construct, id: string, props: DockerSocketProxyProps) {
    super(scope, id);
    this.network = new Network(this, "network", {
      name: props.networkName,
      driver: "bridge",
      internal: true,
      // On the engine of the stack network it serves (its host's, in a multi-host stack).
      provider: props.stackNetwork.provider,
    });
    const socketInContainer = "/var/run/docker.sock";
    this.service = new DockerService(this, "Service", {
      network: this.network,
      name: props.name,
      component: COMPONENTS.socketProxy,
      image: props.image,
      command: renderDockerSocketProxyArgs({ allowFrom: props.client, socketPath: socketInContainer, allowGet: props.allowGet }),
      user: "0:0",
      hostMounts: [{ hostPath: props.dockerSocketPath, containerPath: socketInContainer, readOnly: true }],
      hardening: { readOnlyRootFilesystem: true },
      // The image is `scratch` with two static binaries; this one asks the proxy on 127.0.0.1:55555.
      healthcheck: { test: ["CMD", "/healthcheck"] },
      memoryLimitBytes: props.memoryLimitBytes,
      // Its log lines belong to the stack, like every other container's.
      labels: { [LABELS.project]: props.stackNetwork.name },
    });
    this.dockerHost = `tcp://${props.name}:${DOCKER_SOCKET_PROXY_PORT}`;
  }
}

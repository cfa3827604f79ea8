import type { Network } from "@cdktf/provider-docker/lib/network/index.js";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { COMPONENTS } from "../contract/index.js";
import { DockerService } from "./docker-service.js";

/** Where nats-box's `nats` CLI finds its contexts: $XDG_CONFIG_HOME/nats/context. */
const CONFIG_HOME = "/etc/nats-box";

/** Context names operators pass to `nats --context`. */
export const NATS_BOX_CONTEXTS = {
  /** The default: the application user in the APP account (an anonymous client with `allowAnonymous`), where the streams live. */
  cluster: "cluster",
  /** The system account, for `nats server report jetstream` and friends. */
  system: "system",
} as const;

/**
 * Healthy means the CLI reaches the cluster with its default context: a
 * connection, a server round trip and a request round trip. `nats server
 * check connection` exits non-zero when no server answers (critical) or a
 * time passes its warning threshold; the thresholds leave room for a busy
 * host. (`nats rtt` only logs a failure and exits 0, so it cannot fail.)
 */
export const NATS_BOX_HEALTHCHECK = [
  "CMD",
  "nats",
  "server",
  "check",
  "connection",
  "--connect-warn=2s",
  "--connect-critical=4s",
  "--rtt-warn=2s",
  "--rtt-critical=4s",
  "--req-warn=2s",
  "--req-critical=4s",
];

/** Props of {@link NatsBox}. */
export interface NatsBoxProps {
  /** The Docker network the container joins. */
  readonly network: Network;
  /** Container name, e.g. "nats-box". */
  readonly name: string;
  /** The nats-box image. */
  readonly image: string;
  /** Memory limit in bytes. */
  readonly memoryLimitBytes: number;
  /** Client URLs of every node, e.g. nats://nats-node1:4222. */
  readonly clientUrls: readonly string[];
  /** The system-account user of the `system` context. */
  readonly systemUser: string;
  /** The system user's plaintext password (a Terraform reference). */
  readonly systemPassword: string;
  /** The application user of the `cluster` context, unless the cluster lets anonymous clients in. @default none: the `cluster` context is anonymous */
  readonly appUser?: string;
  /** The application user's plaintext password (a Terraform reference). @default none */
  readonly appPassword?: string;
  /** PEM of the CA the servers' client port certificates come from, when clients use TLS. @default none */
  readonly caCertPem?: string;
  /** Resources that must exist before nats-box starts. @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A long-running nats-box container with two `nats` CLI contexts, so that
 * operators run the guide's commands through `docker exec`:
 * `docker exec nats-box nats stream ls`,
 * `docker exec nats-box nats --context system server report jetstream`.
 */
export class NatsBox extends Construct {
  readonly service: DockerService;

  constructor(scope: Construct, id: string, props: NatsBoxProps) {
    super(scope, id);
    const url = props.clientUrls.join(",");
    const caPath = `${CONFIG_HOME}/ca.pem`;
    const contextFile = (name: string, settings: Record<string, string>) => ({
      path: `${CONFIG_HOME}/nats/context/${name}.json`,
      content: JSON.stringify(props.caCertPem === undefined ? settings : { ...settings, ca: caPath }, null, 2),
    });
    this.service = new DockerService(this, "Service", {
      network: props.network,
      name: props.name,
      component: COMPONENTS.natsBox,
      image: props.image,
      // nats-box's entrypoint starts a login shell, which exits at once
      // without a TTY; keep the container up for `docker exec` instead.
      // As PID 1, tail would ignore SIGTERM (the kernel drops signals PID 1
      // has no handler for) and every stop would wait for the kill: an init
      // process as PID 1 passes the signal on, and tail ends at once.
      entrypoint: ["tail", "-f", "/dev/null"],
      init: true,
      env: { XDG_CONFIG_HOME: CONFIG_HOME, NATS_CONTEXT: NATS_BOX_CONTEXTS.cluster },
      files: [
        contextFile(
          NATS_BOX_CONTEXTS.cluster,
          props.appUser === undefined || props.appPassword === undefined
            ? { description: "the NATS cluster, global account (anonymous)", url }
            : { description: "the NATS cluster, APP account", url, user: props.appUser, password: props.appPassword },
        ),
        contextFile(NATS_BOX_CONTEXTS.system, {
          description: "the NATS cluster, system account",
          url,
          user: props.systemUser,
          password: props.systemPassword,
        }),
        ...(props.caCertPem === undefined ? [] : [{ path: caPath, content: props.caCertPem }]),
      ],
      healthcheck: { test: NATS_BOX_HEALTHCHECK, interval: "30s" },
      memoryLimitBytes: props.memoryLimitBytes,
      dependsOn: props.dependsOn,
    });
  }
}

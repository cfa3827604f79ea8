import type { Network } from "@cdktf/provider-docker/lib/network/index.js";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
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

/** Props of {@link NatsBox}. */
export interface NatsBoxProps {
  readonly network: Network;
  readonly name: string;
  readonly image: string;
  readonly memoryLimitBytes: number;
  /** Client URLs of every node, e.g. nats://nats-node1:4222. */
  readonly clientUrls: readonly string[];
  readonly systemUser: string;
  /** The system user's plaintext password (a Terraform reference). */
  readonly systemPassword: string;
  /** The application user, unless the cluster lets anonymous clients in. */
  readonly appUser?: string;
  /** The application user's plaintext password (a Terraform reference). */
  readonly appPassword?: string;
  /** PEM of the CA the servers' client port certificates come from, when clients use TLS. */
  readonly caCertPem?: string;
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
      component: "nats-box",
      image: props.image,
      // nats-box's entrypoint starts a login shell, which exits at once
      // without a TTY; keep the container up for `docker exec` instead.
      entrypoint: ["tail", "-f", "/dev/null"],
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
      // Healthy means the CLI reaches the cluster with its default context.
      healthcheck: { test: ["CMD", "nats", "rtt"], interval: "30s" },
      memoryLimitBytes: props.memoryLimitBytes,
      dependsOn: props.dependsOn,
    });
  }
}

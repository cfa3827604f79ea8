import type { NatsMonitoringStackProps } from "../../constructs/nats-monitoring-stack.js";
import { type Plan, type PlanResource, synthStack } from "../helpers/plan.js";

/**
 * Names of everything the live plans create start with this, so a replay
 * never collides with a real deployment on the same engine.
 */
export const LIVE_PREFIX = "live";

/**
 * Synthesizes the project's NatsMonitoringStack in-process and returns the
 * parsed cdk.tf.json. Every node publishes its client port (4222 + k - 1)
 * and monitoring port (8222 + k - 1) on 127.0.0.1, the only way the tests
 * reach the nodes from the host.
 */
export function synthLivePlan(props: NatsMonitoringStackProps = {}): Plan {
  return synthStack({
    namePrefix: LIVE_PREFIX,
    ...props,
    nats: { publishEveryNode: true, monitoringHostPort: 8222, ...props.nats },
  }).plan;
}

/** A NATS node as the plan describes it, with the host ports it publishes. */
export interface LiveNode {
  /** Container name and server_name. */
  readonly name: string;
  readonly clientUrl: string;
  readonly monitorUrl: string;
}

/** The plan's NATS nodes in order, from its `nats_servers` output and their containers' ports. */
export function natsNodesOf(plan: Plan): LiveNode[] {
  const names = plan.output?.nats_servers?.value as string[] | undefined;
  if (!names) throw new Error("the plan has no nats_servers output");
  const containers = Object.values(plan.resource.docker_container ?? {});
  return names.map((name) => {
    const container = containers.find((c) => c.name === name);
    if (!container) throw new Error(`the plan has no container ${name}`);
    return {
      name,
      clientUrl: `nats://${hostPort(container, 4222)}`,
      monitorUrl: `http://${hostPort(container, 8222)}`,
    };
  });
}

/** `http://ip:port` where the plan publishes the container's `internal` port on the host. */
export function publishedUrl(container: PlanResource, internal: number): string {
  return `http://${hostPort(container, internal)}`;
}

function hostPort(container: PlanResource, internal: number): string {
  const port = (container.ports as { internal: number; external: number; ip: string }[] | undefined)?.find((p) => p.internal === internal);
  if (!port) throw new Error(`${container.name} publishes no port for ${internal}`);
  return `${port.ip}:${port.external}`;
}

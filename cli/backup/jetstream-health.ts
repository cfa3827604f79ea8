import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import { COMPONENTS, CONTAINER_PORTS, natsMonitorRequest } from "../../contract/index.js";
import { NatsmonError } from "../natsmon-error.js";
import { LABELS, type VolumeOwner } from "./docker-engine.js";
import type { Progress } from "./progress.js";

/**
 * What a NATS node says about itself through its monitoring port, asked
 * from inside its container with the image's busybox wget (the port is not
 * published): `/healthz?js-enabled-only=true` (JetStream on), `/healthz`
 * (JetStream current: meta group and streams caught up) and `/jsz` (the
 * meta leader it follows).
 */
export interface NodeHealth {
  readonly name: string;
  readonly running: boolean;
  readonly jetstreamEnabled: boolean;
  readonly current: boolean;
  /** The meta group's leader as this node sees it; undefined when it knows none. */
  readonly metaLeader?: string;
  /** How many servers the meta group has, as this node sees it (`/jsz` meta_cluster.cluster_size). */
  readonly clusterSize?: number;
  /** Why it cannot be asked (not running, no wget in its image). */
  readonly unknown?: string;
}

/** Runs a command in a running container; its exit code and stdout. */
export async function execOutput(docker: Docker, containerId: string, command: string[]): Promise<{ code: number; stdout: string }> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  docker.modem.demuxStream(stream, stdout, new PassThrough().resume());
  await new Promise<void>((resolve) => {
    stream.on("end", resolve);
    stream.on("close", resolve);
    stream.on("error", () => resolve());
  });
  return { code: (await exec.inspect()).ExitCode ?? -1, stdout: Buffer.concat(chunks).toString("utf8") };
}

/** Asks a NATS node's monitoring endpoints how it is. Never throws. */
export async function nodeHealth(docker: Docker, container: { id: string; name: string }): Promise<NodeHealth> {
  const base = { name: container.name, running: false, jetstreamEnabled: false, current: false };
  const info = await docker
    .getContainer(container.id)
    .inspect()
    .catch(() => undefined);
  if (!info?.State.Running) return { ...base, unknown: "it is not running" };
  // The node's own healthcheck says whether its monitoring port serves HTTPS (monitoringTls).
  const https = (info.Config.Healthcheck?.Test ?? []).some((arg) => arg.startsWith("https://"));
  const get = (path: string) =>
    execOutput(docker, container.id, natsMonitorRequest(CONTAINER_PORTS.natsMonitoring, path, https, "-")).catch((error: Error) => ({
      code: -1,
      stdout: error.message,
    }));
  const enabled = await get("/healthz?js-enabled-only=true");
  if (enabled.code === 126 || enabled.code === 127 || enabled.code === -1) {
    return { ...base, running: true, unknown: "its image has no wget to ask its monitoring port" };
  }
  const current = await get("/healthz");
  const jsz = await get("/jsz");
  let metaLeader: string | undefined;
  let clusterSize: number | undefined;
  try {
    const meta = (JSON.parse(jsz.stdout) as { meta_cluster?: { leader?: string; cluster_size?: number } }).meta_cluster;
    metaLeader = meta?.leader || undefined;
    clusterSize = typeof meta?.cluster_size === "number" ? meta.cluster_size : undefined;
  } catch {
    metaLeader = undefined;
  }
  return {
    ...base,
    running: true,
    jetstreamEnabled: enabled.code === 0,
    current: current.code === 0,
    metaLeader,
    ...(clusterSize === undefined ? {} : { clusterSize }),
  };
}

/** Why a node is not ready to carry the cluster while another is down; undefined when it is. */
export function notReady(health: NodeHealth): string | undefined {
  if (health.unknown) return `${health.name}: ${health.unknown}`;
  if (!health.jetstreamEnabled) return `${health.name}: /healthz?js-enabled-only=true fails (JetStream is not up)`;
  if (!health.current) return `${health.name}: /healthz fails (JetStream is behind: meta group or streams not current)`;
  if (!health.metaLeader) return `${health.name}: /jsz shows no meta leader (the cluster has no quorum)`;
  return undefined;
}

/** The other NATS nodes of the owner's stack: containers labelled component nats and the same project. */
export async function otherNatsNodes(docker: Docker, owners: readonly VolumeOwner[]): Promise<{ id: string; name: string }[]> {
  const project = owners.find((owner) => owner.project !== undefined)?.project;
  if (project === undefined) return [];
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${LABELS.component}=${COMPONENTS.nats}`, `${LABELS.project}=${project}`] },
  });
  const own = new Set(owners.map((owner) => owner.id));
  return containers
    .filter((info) => !own.has(info.Id) && info.Labels?.[LABELS.helper] === undefined)
    .map((info) => ({ id: info.Id, name: (info.Names[0] ?? info.Id).replace(/^\//, "") }));
}

/**
 * Whether the node's meta group has servers this engine does not hold (a
 * cluster spread over several Docker hosts): natsmon checks the other nodes
 * through the engine, so it cannot tell whether those are healthy and
 * current, and taking this node down could cost the cluster its quorum.
 * Says so, or undefined when the engine holds every server.
 */
export function peersOutOfSight(nodes: readonly NodeHealth[], onEngine: number): string | undefined {
  const size = Math.max(0, ...nodes.map((node) => node.clusterSize ?? 0));
  if (size <= onEngine) return undefined;
  return `its JetStream cluster has ${size} servers and this Docker engine holds ${onEngine} of them: the others run elsewhere (another Docker host), where natsmon cannot check that they are healthy and current before this node goes down`;
}

/**
 * Before one node goes down (for a backup or a restore): every other node
 * of the cluster must run, have JetStream up and current, and follow a meta
 * leader. Otherwise taking this node down could cost the cluster its quorum
 * (or a stream its last current replica), so natsmon refuses.
 */
export async function requireOtherNodesReady(
  docker: Docker,
  owners: readonly VolumeOwner[],
  volume: string,
  progress: Progress,
  action: string,
): Promise<void> {
  const others = await otherNatsNodes(docker, owners);
  // Only for the project's own nodes (a natsmon.project label), whose peers natsmon looks for on the engine.
  const nodes = owners.filter((owner) => owner.running && owner.component === COMPONENTS.nats && owner.project !== undefined);
  const seen = await Promise.all(nodes.map((node) => nodeHealth(docker, node)));
  const outOfSight = peersOutOfSight(seen, others.length + nodes.length);
  if (outOfSight) {
    throw new NatsmonError(
      `not ${action} ${owners.map((owner) => owner.name).join(", ")}: ${outOfSight}`,
      "on a stack over several Docker hosts, back up JetStream through the cluster with `nats account backup` (or `nats stream backup`) instead; see docs/multi-host.md",
    );
  }
  if (others.length === 0) return;
  progress.step(volume, `checking the other nodes (${others.map((node) => node.name).join(", ")}): healthy, current, a meta leader`);
  const health = await Promise.all(others.map((node) => nodeHealth(docker, node)));
  const problems = health.map(notReady).filter((problem): problem is string => problem !== undefined);
  if (problems.length > 0) {
    throw new NatsmonError(
      `not ${action} ${owners.map((owner) => owner.name).join(", ")}: another node is unhealthy or behind, and taking this one down could cost the cluster its quorum (${problems.join("; ")})`,
      "wait until every node is healthy and current (natsmon check --only nats), then run it again",
    );
  }
  const leaders = new Set(health.map((node) => node.metaLeader));
  progress.step(volume, `the other nodes are healthy and current; meta leader ${[...leaders].join(", ")}`);
}

/**
 * After a node was started again: waits until its own `/healthz` passes
 * (JetStream current: it caught up with the meta group and its streams)
 * and its `/jsz` names a meta leader. A node whose image has no wget cannot
 * be asked: natsmon says so and relies on its healthcheck.
 */
export async function waitNodeCurrent(
  docker: Docker,
  owner: VolumeOwner,
  seconds: number,
  volume: string,
  progress: Progress,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  progress.step(volume, `${owner.name} is healthy; waiting until its JetStream is current (/healthz, /jsz)`);
  let last: NodeHealth | undefined;
  for (;;) {
    signal?.throwIfAborted();
    last = await nodeHealth(docker, owner);
    if (last.unknown === "its image has no wget to ask its monitoring port") {
      progress.warn(volume, `cannot ask ${owner.name}'s /healthz (no wget in its image); relying on its healthcheck`);
      return;
    }
    if (notReady(last) === undefined) {
      progress.step(volume, `${owner.name}: JetStream is current (meta leader ${last.metaLeader})`);
      return;
    }
    if (Date.now() > deadline) {
      throw new NatsmonError(
        `${owner.name} is up but JetStream has not caught up within ${seconds} s (${notReady(last)})`,
        `read its log (docker logs ${owner.name}); raise --wait-timeout if it is only slow`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

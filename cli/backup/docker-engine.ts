import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import Docker from "dockerode";
import { COMPONENTS, LABELS as STACK_LABELS } from "../../contract/index.js";
import { NatsmonError } from "../natsmon-error.js";

/** Labels natsmon reads on the stack's containers (DockerService sets them) and puts on its own. */
export const LABELS = {
  ...STACK_LABELS,
  /** On natsmon's own short-lived helper containers and image. */
  helper: "natsmon.helper",
} as const;

/**
 * An image with nothing in it, imported from an empty tar: helper containers
 * are created from it only to mount a volume for the archive API, and are
 * never started, so they need no binary, and no registry is needed to get it.
 */
export const HELPER_IMAGE = "natsmon/volume-helper:empty";

/** Where helper containers mount the volume. */
export const HELPER_MOUNT = "/volume";

/** A container that mounts a volume. */
export interface VolumeOwner {
  readonly id: string;
  readonly name: string;
  readonly running: boolean;
  /** The `natsmon.component` label: nats, prometheus, loki, grafana, ... */
  readonly component?: string;
  /** The `natsmon.project` label: the stack it belongs to. */
  readonly project?: string;
  /** Where it mounts the volume. */
  readonly mountPath: string;
  readonly image: string;
}

/** Connects to the engine (DOCKER_HOST or the local socket) and checks that it answers. */
export async function connectDocker(): Promise<Docker> {
  const docker = new Docker();
  try {
    await docker.ping();
  } catch (error) {
    throw new NatsmonError(
      `the Docker engine does not answer (${process.env.DOCKER_HOST ?? "/var/run/docker.sock"}): ${(error as Error).message}`,
      "start Docker, or set DOCKER_HOST to the engine the stack runs on",
    );
  }
  return docker;
}

/** Fails with a clear message when the volume does not exist. */
export async function requireVolume(docker: Docker, volume: string): Promise<void> {
  try {
    await docker.getVolume(volume).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) {
      throw new NatsmonError(
        `there is no Docker volume named ${volume}`,
        "check the name (docker volume ls); deploy the stack first to create its volumes",
      );
    }
    throw error;
  }
}

/** The containers (running or not) that mount a volume, natsmon's helpers left out. */
export async function volumeOwners(docker: Docker, volume: string): Promise<VolumeOwner[]> {
  const containers = await docker.listContainers({ all: true, filters: { volume: [volume] } });
  return containers
    .filter((info) => info.Labels?.[LABELS.helper] === undefined)
    .map((info) => ({
      id: info.Id,
      name: (info.Names[0] ?? info.Id).replace(/^\//, ""),
      running: info.State === "running",
      component: info.Labels?.[LABELS.component],
      project: info.Labels?.[LABELS.project],
      mountPath: info.Mounts.find((mount) => mount.Type === "volume" && mount.Name === volume)?.Destination ?? "",
      image: info.Image,
    }));
}

/** Imports the empty helper image unless it is there already. */
export async function ensureHelperImage(docker: Docker): Promise<void> {
  try {
    await docker.getImage(HELPER_IMAGE).inspect();
    return;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  const [repo, tag] = HELPER_IMAGE.split(":");
  // An empty tar: 1024 zero bytes, the end-of-archive marker.
  const output = await docker.importImage(Readable.from([Buffer.alloc(1024)]), {
    repo,
    tag,
    changes: [`LABEL ${LABELS.helper}=image`],
  });
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(output, (error) => (error ? reject(error) : resolve())));
}

/**
 * Creates (and never starts) a container that mounts `volume` at /volume, for
 * the archive API. The caller removes it with {@link removeHelper}.
 */
export async function createHelper(docker: Docker, volume: string, options: { readOnly: boolean }): Promise<Docker.Container> {
  await ensureHelperImage(docker);
  return docker.createContainer({
    name: `natsmon-helper-${volume}-${randomBytes(3).toString("hex")}`,
    Image: HELPER_IMAGE,
    Cmd: ["/natsmon-never-runs"],
    Labels: { [LABELS.helper]: "volume" },
    NetworkDisabled: true,
    HostConfig: {
      NetworkMode: "none",
      Mounts: [
        { Type: "volume", Source: volume, Target: HELPER_MOUNT, ReadOnly: options.readOnly, VolumeOptions: { NoCopy: true } as never },
      ],
    },
  });
}

/** Removes a helper container; never throws, since it runs in `finally` blocks. */
export async function removeHelper(container: Docker.Container): Promise<void> {
  await container.remove({ force: true, v: false }).catch(() => undefined);
}

/** What {@link stopContainer} tells the user about a stop. */
export async function stopDescription(docker: Docker, owner: VolumeOwner): Promise<string> {
  const info = await docker.getContainer(owner.id).inspect();
  // Both are in the Engine API's container config; the typings lack them.
  const config = info.Config as { StopSignal?: string; StopTimeout?: number };
  const signal = config.StopSignal ?? "SIGTERM";
  const timeout = config.StopTimeout ?? 10;
  const lameDuck = signal === "SIGUSR2" && owner.component === COMPONENTS.nats ? ": lame duck mode" : "";
  return `stopping ${owner.name} (${signal}${lameDuck}, up to ${timeout} s)`;
}

/** Stops a container with its own stop signal and timeout, as `docker stop` does. */
export async function stopContainer(docker: Docker, owner: VolumeOwner): Promise<void> {
  try {
    await docker.getContainer(owner.id).stop();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 304) throw error; // 304: already stopped
  }
}

/**
 * Starts a container and waits until its healthcheck says healthy (or, with
 * no healthcheck, until it runs), polling once a second up to the limit.
 * An aborted `signal` ends the wait (the container keeps running).
 */
export async function startAndWaitHealthy(
  docker: Docker,
  owner: VolumeOwner,
  waitTimeoutSeconds: number,
  signal?: AbortSignal,
): Promise<void> {
  const container = docker.getContainer(owner.id);
  try {
    await container.start();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 304) throw error; // 304: already running
  }
  const deadline = Date.now() + waitTimeoutSeconds * 1000;
  for (;;) {
    signal?.throwIfAborted();
    const state = (await container.inspect()).State;
    if (state.Health ? state.Health.Status === "healthy" : state.Running) return;
    if (!state.Running && !state.Restarting && state.Status !== "created") {
      throw new NatsmonError(
        `${owner.name} stopped after it was started (${state.Status}, exit code ${state.ExitCode})`,
        `read its log: docker logs ${owner.name}`,
      );
    }
    if (Date.now() > deadline) {
      throw new NatsmonError(
        `${owner.name} did not turn healthy within ${waitTimeoutSeconds} s (it is ${state.Health?.Status ?? state.Status})`,
        `read its log (docker logs ${owner.name}); raise --wait-timeout if it is only slow`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Runs a command in a running container and returns its exit code. */
export async function execIn(docker: Docker, containerId: string, command: string[]): Promise<number> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  await new Promise<void>((resolve) => {
    stream.on("end", resolve);
    stream.on("error", () => resolve());
    stream.resume();
  });
  return (await exec.inspect()).ExitCode ?? -1;
}

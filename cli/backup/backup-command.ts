import { existsSync, mkdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type Docker from "dockerode";
import { COMPONENTS, OUTPUTS } from "../../contract/index.js";
import { NatsmonError } from "../natsmon-error.js";
import { loadOutputs } from "../outputs.js";
import { hostOfVolumes, parseStackHosts, refuseAcrossHosts, type StackHost } from "../stack-hosts.js";
import { DEFAULT_TARGETS } from "../targets.js";
import { archiveName } from "./archive-names.js";
import {
  connectDocker,
  createHelper,
  execIn,
  HELPER_MOUNT,
  removeHelper,
  requireVolume,
  startAndWaitHealthy,
  stopContainer,
  stopDescription,
  type VolumeOwner,
  volumeOwners,
} from "./docker-engine.js";
import { EXIT_INTERRUPTED, InterruptedError, Interruption } from "./interruption.js";
import { requireOtherNodesReady, waitNodeCurrent } from "./jetstream-health.js";
import { formatBytes, Progress } from "./progress.js";
import { takeSnapshot, tsdbPathInVolume } from "./prometheus-snapshot.js";
import { type ArchiveOrigin, archiveContainerPath } from "./volume-archive.js";

/** Options of `natsmon backup`, as commander hands them over. */
export interface BackupCommandOptions {
  readonly outputs?: string;
  readonly stack?: string;
  readonly volume?: string[];
  readonly out: string;
  readonly prometheusUrl?: string;
  readonly waitTimeout: number;
  readonly force?: boolean;
}

/** How a volume was archived. */
export type BackupMethod = "snapshot" | "stopped" | "idle";

/** One archive written. */
export interface BackupRecord {
  readonly volume: string;
  readonly file: string;
  readonly bytes: number;
  readonly method: BackupMethod;
  readonly seconds: number;
}

/** Runs `natsmon backup`; returns the exit status. */
export async function backupCommand(options: BackupCommandOptions): Promise<number> {
  let volumes = options.volume;
  let prometheusUrl = options.prometheusUrl;
  let hosts: StackHost[] | undefined;
  if (!volumes || !prometheusUrl) {
    const outputs = await loadOutputs(options.outputs, { stack: options.stack });
    hosts = parseStackHosts(outputs.values[OUTPUTS.hosts]);
    // The volumes are on several engines and a backup talks to one: it would archive part of the stack and look complete.
    if (!volumes) {
      refuseAcrossHosts("backup", hosts, perHostBackup);
    }
    const listed = outputs.values[OUTPUTS.dataVolumes];
    volumes ??= Array.isArray(listed) ? listed.filter((name): name is string => typeof name === "string") : undefined;
    const listedUrl = outputs.values[OUTPUTS.prometheusUrl];
    prometheusUrl ??= typeof listedUrl === "string" ? listedUrl : undefined;
  }
  if (!volumes || volumes.length === 0) {
    throw new NatsmonError("no volumes to back up", `pass --outputs (the stack's ${OUTPUTS.dataVolumes} output) or --volume NAME`);
  }
  const host = hostOfVolumes(volumes, hosts);
  if (host)
    process.stderr.write(
      `natsmon: the volumes are on host ${host.name} (${host.dockerHost}); using the engine at ${process.env.DOCKER_HOST ?? "the local socket"}\n`,
    );
  const interruption = new Interruption().install((message) => process.stderr.write(`natsmon: ${message}\n`));
  let records: BackupRecord[];
  try {
    records = await backupVolumes(volumes, {
      outDir: resolve(options.out),
      prometheusUrl: prometheusUrl ?? DEFAULT_TARGETS.prometheusUrl,
      waitTimeoutSeconds: options.waitTimeout,
      overwrite: options.force ?? false,
      signal: interruption.signal,
    });
  } catch (error) {
    if (!interruption.signal.aborted) throw error;
    // An InterruptedError means the cleanup went through; anything else is what failed during it.
    process.stderr.write(
      error instanceof InterruptedError
        ? `natsmon: backup ${error.message}; every container it stopped runs again, no helper container is left\n`
        : `natsmon: backup interrupted, and putting things back failed: ${(error as Error).message}\n`,
    );
    return EXIT_INTERRUPTED;
  } finally {
    interruption.uninstall();
  }
  for (const record of records) {
    process.stdout.write(
      `${record.file}  ${formatBytes(record.bytes)}  (${record.volume}, ${record.method}, ${record.seconds.toFixed(1)} s)\n`,
    );
  }
  return 0;
}

/**
 * What to run on one host instead: natsmon backup for its other volumes
 * through its engine, and JetStream through the cluster, since a node's
 * volume backup stops the node and natsmon cannot check the other hosts'
 * nodes through this engine first.
 */
export function perHostBackup(host: StackHost): string {
  const nats = new Set(host.natsServers.map((server) => `${server}-data`));
  const others = host.dataVolumes.filter((volume) => !nats.has(volume));
  const parts = [
    ...(others.length > 0
      ? [`DOCKER_HOST=${host.dockerHost} natsmon backup ${others.map((volume) => `--volume ${volume}`).join(" ")}`]
      : []),
    ...(nats.size > 0 ? [`JetStream (${[...nats].join(", ")}): nats account backup through the cluster`] : []),
  ];
  return parts.join("; ") || "no data volume";
}

/** Settings of {@link backupVolumes}. */
export interface BackupSettings {
  readonly outDir: string;
  readonly prometheusUrl: string;
  readonly waitTimeoutSeconds: number;
  readonly overwrite: boolean;
  readonly progress?: Progress;
  readonly date?: Date;
  /**
   * Aborting it (Ctrl-C) ends the backup after the current step: the
   * archive in progress is dropped, stopped containers are started again.
   */
  readonly signal?: AbortSignal;
}

/**
 * Archives each volume in turn, consistently:
 * - Prometheus's volume through its snapshot API when the admin API is on,
 *   otherwise like the others;
 * - a volume whose containers run: they are stopped (with their own stop
 *   signal: a NATS node goes through lame duck mode), the volume archived,
 *   and they are started again; natsmon waits until they are healthy before
 *   it goes on, so JetStream nodes go down one at a time and the cluster
 *   keeps its quorum; and before a NATS node is stopped, every other node
 *   of its cluster must be healthy, current and follow a meta leader;
 * - a volume no running container uses is archived as it is.
 */
export async function backupVolumes(volumes: readonly string[], settings: BackupSettings): Promise<BackupRecord[]> {
  const progress = settings.progress ?? new Progress();
  const date = settings.date ?? new Date();
  mkdirSync(settings.outDir, { recursive: true });
  const files = volumes.map((volume) => join(settings.outDir, archiveName(volume, date)));
  const existing = files.filter((file) => existsSync(file));
  if (existing.length > 0 && !settings.overwrite) {
    throw new NatsmonError(`${existing.join(", ")} already exist(s)`, "move them away, or pass --force to overwrite today's archives");
  }
  const docker = await connectDocker();
  for (const volume of volumes) await requireVolume(docker, volume);

  const records: BackupRecord[] = [];
  const run = date.toISOString();
  for (const [index, volume] of volumes.entries()) {
    settings.signal?.throwIfAborted();
    const started = performance.now();
    const file = files[index];
    progress.step(volume, `[${index + 1}/${volumes.length}] archiving into ${file}`);
    const owners = await volumeOwners(docker, volume);
    const origin: ArchiveOrigin = {
      run,
      volume,
      stack: owners.find((owner) => owner.project !== undefined)?.project ?? null,
      component: owners.find((owner) => owner.component !== undefined)?.component ?? null,
      containers: owners.map((owner) => owner.name),
    };
    const running = owners.filter((owner) => owner.running);
    let method: BackupMethod = running.length === 0 ? "idle" : "stopped";
    const prometheus = running.find((owner) => owner.component === COMPONENTS.prometheus);
    if (prometheus && (await archiveSnapshot(docker, prometheus, file, origin, settings, progress))) {
      method = "snapshot";
    } else if (running.length > 0) {
      await archiveStopped(docker, owners, file, origin, settings, progress);
    } else {
      await archiveVolume(docker, HELPER_MOUNT, file, origin, settings, progress);
    }
    const bytes = statSync(file).size;
    records.push({ volume, file, bytes, method, seconds: (performance.now() - started) / 1000 });
    progress.step(volume, `done: ${formatBytes(bytes)} archive (${method})`);
  }
  return records;
}

/** Archives a folder of the volume through a helper container that mounts it read-only. */
async function archiveVolume(
  docker: Docker,
  path: string,
  file: string,
  origin: ArchiveOrigin,
  settings: BackupSettings,
  progress: Progress,
): Promise<void> {
  const volume = origin.volume;
  const helper = await createHelper(docker, volume, { readOnly: true });
  try {
    const manifest = await archiveContainerPath(helper, path, file, {
      origin,
      signal: settings.signal,
      onProgress: (bytes, done) => progress.bytes(volume, "read", bytes, done),
    });
    progress.step(
      volume,
      `${manifest.files} files, ${formatBytes(manifest.bytes)}, sha256 ${manifest.sha256.slice(0, 12)}... (in its manifest)`,
    );
  } finally {
    await removeHelper(helper);
  }
}

/** Stops the volume's running containers, archives it, starts them again and waits for them. */
async function archiveStopped(
  docker: Docker,
  owners: readonly VolumeOwner[],
  file: string,
  origin: ArchiveOrigin,
  settings: BackupSettings,
  progress: Progress,
): Promise<void> {
  const volume = origin.volume;
  const running = owners.filter((owner) => owner.running);
  if (running.some((owner) => owner.component === COMPONENTS.nats)) {
    await requireOtherNodesReady(docker, owners, volume, progress, "stopping");
  }
  const stopped: VolumeOwner[] = [];
  try {
    for (const owner of running) {
      settings.signal?.throwIfAborted();
      progress.step(volume, await stopDescription(docker, owner));
      stopped.push(owner);
      await stopContainer(docker, owner);
    }
    settings.signal?.throwIfAborted();
    await archiveVolume(docker, HELPER_MOUNT, file, origin, settings, progress);
  } finally {
    // Start them again even when archiving failed or was interrupted: a backup must not leave the stack down.
    for (const owner of stopped) {
      progress.step(volume, `starting ${owner.name}, waiting until it is healthy (up to ${settings.waitTimeoutSeconds} s)`);
      const started = Date.now();
      await startAndWaitHealthy(docker, owner, settings.waitTimeoutSeconds);
      if (owner.component === COMPONENTS.nats) {
        const left = Math.max(1, settings.waitTimeoutSeconds - Math.round((Date.now() - started) / 1000));
        await waitNodeCurrent(docker, owner, left, volume, progress);
      }
    }
  }
}

/**
 * Takes a Prometheus snapshot and archives it; false when that is not
 * possible (admin API off, Prometheus unreachable, TSDB outside the volume),
 * after saying why, so that the caller stops Prometheus instead.
 */
async function archiveSnapshot(
  docker: Docker,
  prometheus: VolumeOwner,
  file: string,
  origin: ArchiveOrigin,
  settings: BackupSettings,
  progress: Progress,
): Promise<boolean> {
  const volume = origin.volume;
  const info = await docker.getContainer(prometheus.id).inspect();
  const tsdb = tsdbPathInVolume(info.Args ?? [], info.Config.WorkingDir, prometheus.mountPath);
  if (tsdb === undefined) {
    progress.step(volume, "Prometheus keeps its TSDB outside this volume: stopping it instead of a snapshot");
    return false;
  }
  if (!(info.Args ?? []).includes("--web.enable-admin-api")) {
    progress.step(volume, "Prometheus runs without its admin API (the stack's default): stopping it briefly instead of a snapshot");
    return false;
  }
  progress.step(volume, `asking ${settings.prometheusUrl} for a TSDB snapshot`);
  const snapshot = await takeSnapshot(settings.prometheusUrl);
  if (!snapshot.ok) {
    progress.step(
      volume,
      `no snapshot (${snapshot.reason}); stopping Prometheus briefly instead (start it with --web.enable-admin-api to avoid this)`,
    );
    return false;
  }
  const inVolume = [tsdb, "snapshots", snapshot.name].filter(Boolean).join("/");
  const helper = await createHelper(docker, volume, { readOnly: true });
  let inThisVolume = false;
  try {
    try {
      await helper.infoArchive({ path: `${HELPER_MOUNT}/${inVolume}` });
      inThisVolume = true;
    } catch {
      progress.step(
        volume,
        `snapshot ${snapshot.name} is not in ${volume} (is ${settings.prometheusUrl} another Prometheus?): stopping Prometheus instead`,
      );
      return false;
    }
    progress.step(volume, `snapshot ${snapshot.name} taken; archiving it`);
    // The snapshot's files go where the TSDB lives, so the archive restores like any other.
    await archiveContainerPath(helper, `${HELPER_MOUNT}/${inVolume}`, file, {
      origin,
      signal: settings.signal,
      prefix: tsdb,
      onProgress: (bytes, done) => progress.bytes(volume, "read", bytes, done),
    });
  } finally {
    await removeHelper(helper);
    // Snapshots are hard links that pin old blocks: remove this one, also after a failure or Ctrl-C.
    if (inThisVolume) {
      const snapshotDir = `${prometheus.mountPath.replace(/\/+$/, "")}/${inVolume}`;
      const code = await execIn(docker, prometheus.id, ["rm", "-rf", snapshotDir]).catch(() => -1);
      if (code !== 0)
        progress.warn(volume, `could not remove the snapshot; remove it yourself: docker exec ${prometheus.name} rm -rf ${snapshotDir}`);
    }
  }
  return true;
}

import { existsSync, mkdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type Docker from "dockerode";
import { NatsmonError } from "../natsmon-error.js";
import { loadOutputs } from "../outputs.js";
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
import { formatBytes, Progress } from "./progress.js";
import { takeSnapshot, tsdbPathInVolume } from "./prometheus-snapshot.js";
import { archiveContainerPath } from "./volume-archive.js";

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
  if (!volumes || !prometheusUrl) {
    const outputs = await loadOutputs(options.outputs, { stack: options.stack });
    const listed = outputs.values.data_volumes;
    volumes ??= Array.isArray(listed) ? listed.filter((name): name is string => typeof name === "string") : undefined;
    prometheusUrl ??= typeof outputs.values.prometheus_url === "string" ? outputs.values.prometheus_url : undefined;
  }
  if (!volumes || volumes.length === 0) {
    throw new NatsmonError("no volumes to back up", "pass --outputs (the stack's data_volumes output) or --volume NAME");
  }
  const records = await backupVolumes(volumes, {
    outDir: resolve(options.out),
    prometheusUrl: prometheusUrl ?? DEFAULT_TARGETS.prometheusUrl,
    waitTimeoutSeconds: options.waitTimeout,
    overwrite: options.force ?? false,
  });
  for (const record of records) {
    process.stdout.write(
      `${record.file}  ${formatBytes(record.bytes)}  (${record.volume}, ${record.method}, ${record.seconds.toFixed(1)} s)\n`,
    );
  }
  return 0;
}

/** Settings of {@link backupVolumes}. */
export interface BackupSettings {
  readonly outDir: string;
  readonly prometheusUrl: string;
  readonly waitTimeoutSeconds: number;
  readonly overwrite: boolean;
  readonly progress?: Progress;
  readonly date?: Date;
}

/**
 * Archives each volume in turn, consistently:
 * - Prometheus's volume through its snapshot API when the admin API is on,
 *   otherwise like the others;
 * - a volume whose containers run: they are stopped (with their own stop
 *   signal: a NATS node goes through lame duck mode), the volume archived,
 *   and they are started again; natsmon waits until they are healthy before
 *   it goes on, so JetStream nodes go down one at a time and the cluster
 *   keeps its quorum;
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
  for (const [index, volume] of volumes.entries()) {
    const started = performance.now();
    const file = files[index];
    progress.step(volume, `[${index + 1}/${volumes.length}] archiving into ${file}`);
    const owners = await volumeOwners(docker, volume);
    const running = owners.filter((owner) => owner.running);
    let method: BackupMethod = running.length === 0 ? "idle" : "stopped";
    const prometheus = running.find((owner) => owner.component === "prometheus");
    if (prometheus && (await archiveSnapshot(docker, volume, prometheus, file, settings, progress))) {
      method = "snapshot";
    } else if (running.length > 0) {
      await archiveStopped(docker, volume, running, file, settings, progress);
    } else {
      await archiveVolume(docker, volume, HELPER_MOUNT, file, progress);
    }
    const bytes = statSync(file).size;
    records.push({ volume, file, bytes, method, seconds: (performance.now() - started) / 1000 });
    progress.step(volume, `done: ${formatBytes(bytes)} archive (${method})`);
  }
  return records;
}

/** Archives a folder of the volume through a helper container that mounts it read-only. */
async function archiveVolume(docker: Docker, volume: string, path: string, file: string, progress: Progress): Promise<void> {
  const helper = await createHelper(docker, volume, { readOnly: true });
  try {
    await archiveContainerPath(helper, path, file, { onProgress: (bytes, done) => progress.bytes(volume, "read", bytes, done) });
  } finally {
    await removeHelper(helper);
  }
}

/** Stops the volume's containers, archives it, starts them again and waits for them. */
async function archiveStopped(
  docker: Docker,
  volume: string,
  running: readonly VolumeOwner[],
  file: string,
  settings: BackupSettings,
  progress: Progress,
): Promise<void> {
  const stopped: VolumeOwner[] = [];
  try {
    for (const owner of running) {
      progress.step(volume, await stopDescription(docker, owner));
      await stopContainer(docker, owner);
      stopped.push(owner);
    }
    await archiveVolume(docker, volume, HELPER_MOUNT, file, progress);
  } finally {
    // Start them again even when archiving failed: a backup must not leave the stack down.
    for (const owner of stopped) {
      progress.step(volume, `starting ${owner.name}, waiting until it is healthy (up to ${settings.waitTimeoutSeconds} s)`);
      const started = Date.now();
      await startAndWaitHealthy(docker, owner, settings.waitTimeoutSeconds);
      if (owner.component === "nats") {
        const left = Math.max(1, settings.waitTimeoutSeconds - Math.round((Date.now() - started) / 1000));
        await waitJetStreamCurrent(docker, owner, left, volume, progress);
      }
    }
  }
}

/**
 * The container's healthcheck only says JetStream is on. Before the next
 * node goes down, this one must also have caught up with the meta group and
 * its streams, or the cluster could lose its quorum for a stream: the full
 * `/healthz` says so. It is asked from inside the container (the monitoring
 * port is not published), with the image's busybox wget.
 */
async function waitJetStreamCurrent(
  docker: Docker,
  owner: VolumeOwner,
  seconds: number,
  volume: string,
  progress: Progress,
): Promise<void> {
  const probe = ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8222/healthz"];
  const deadline = Date.now() + seconds * 1000;
  progress.step(volume, `${owner.name} is healthy; waiting until its JetStream is current (/healthz)`);
  for (;;) {
    const code = await execIn(docker, owner.id, probe).catch(() => -1);
    if (code === 0) {
      progress.step(volume, `${owner.name}: JetStream is current`);
      return;
    }
    if (code === 126 || code === 127 || code === -1) {
      progress.warn(volume, `cannot ask ${owner.name}'s /healthz (no wget in its image); relying on its healthcheck`);
      return;
    }
    if (Date.now() > deadline) {
      throw new NatsmonError(
        `${owner.name} is up but JetStream has not caught up within ${seconds} s (/healthz still fails)`,
        `read its log (docker logs ${owner.name}); back up the next nodes once it is current`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * Takes a Prometheus snapshot and archives it; false when that is not
 * possible (admin API off, Prometheus unreachable, TSDB outside the volume),
 * after saying why, so that the caller stops Prometheus instead.
 */
async function archiveSnapshot(
  docker: Docker,
  volume: string,
  prometheus: VolumeOwner,
  file: string,
  settings: BackupSettings,
  progress: Progress,
): Promise<boolean> {
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
  try {
    try {
      await helper.infoArchive({ path: `${HELPER_MOUNT}/${inVolume}` });
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
      prefix: tsdb,
      onProgress: (bytes, done) => progress.bytes(volume, "read", bytes, done),
    });
  } finally {
    await removeHelper(helper);
  }
  // Snapshots are hard links that pin old blocks: remove this one.
  const snapshotDir = `${prometheus.mountPath.replace(/\/+$/, "")}/${inVolume}`;
  const code = await execIn(docker, prometheus.id, ["rm", "-rf", snapshotDir]).catch(() => -1);
  if (code !== 0)
    progress.warn(volume, `could not remove the snapshot; remove it yourself: docker exec ${prometheus.name} rm -rf ${snapshotDir}`);
  return true;
}

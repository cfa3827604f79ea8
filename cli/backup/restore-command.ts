import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { NatsmonError } from "../natsmon-error.js";
import { volumeOfArchive } from "./archive-names.js";
import {
  connectDocker,
  createHelper,
  HELPER_MOUNT,
  removeHelper,
  requireVolume,
  startAndWaitHealthy,
  stopContainer,
  stopDescription,
  type VolumeOwner,
  volumeOwners,
} from "./docker-engine.js";
import { emptyVolume } from "./empty-volume.js";
import { formatBytes, Progress } from "./progress.js";
import { checkArchiveLayout, isContainerPathEmpty, restoreIntoContainerPath } from "./volume-archive.js";

/** Options of `natsmon restore`, as commander hands them over. */
export interface RestoreCommandOptions {
  readonly volume?: string;
  readonly waitTimeout: number;
  readonly force?: boolean;
}

/** Runs `natsmon restore`; returns the exit status. */
export async function restoreCommand(archive: string, options: RestoreCommandOptions): Promise<number> {
  const file = resolve(archive);
  requireArchive(file);
  const volume = options.volume ?? volumeOfArchive(file);
  if (!volume) {
    throw new NatsmonError(
      `cannot tell the volume from the name ${archive}`,
      "pass --volume NAME (archives are named <volume>-YYYYMMDD.tar.gz)",
    );
  }
  await restoreVolume(file, volume, { force: options.force ?? false, waitTimeoutSeconds: options.waitTimeout });
  process.stdout.write(`${volume} restored from ${file}\n`);
  return 0;
}

/** Fails with "no archive at ..." before anything else when the file is missing. */
function requireArchive(file: string): void {
  if (!existsSync(file)) throw new NatsmonError(`no archive at ${file}`, "pass the path of a .tar.gz made by natsmon backup");
}

/** Settings of {@link restoreVolume}. */
export interface RestoreSettings {
  /** Empty a non-empty volume first; without it a non-empty volume is refused. */
  readonly force: boolean;
  readonly waitTimeoutSeconds: number;
  readonly progress?: Progress;
}

/**
 * Puts an archive back into its volume. The volume's running containers are
 * stopped meanwhile and started again afterwards; a volume that holds
 * anything is refused unless `force`, which empties it first, so that no
 * file of the old data outlives the restore.
 */
export async function restoreVolume(file: string, volume: string, settings: RestoreSettings): Promise<void> {
  const progress = settings.progress ?? new Progress();
  requireArchive(file);
  await checkArchiveLayout(file);
  const docker = await connectDocker();
  await requireVolume(docker, volume);

  const helper = await createHelper(docker, volume, { readOnly: false });
  const stopped: VolumeOwner[] = [];
  try {
    const empty = await isContainerPathEmpty(helper, HELPER_MOUNT);
    if (!empty && !settings.force) {
      throw new NatsmonError(
        `${volume} is not empty; restoring into it would mix old and restored files`,
        "pass --force to empty it first (its containers are stopped meanwhile)",
      );
    }
    const owners = await volumeOwners(docker, volume);
    for (const owner of owners.filter((candidate) => candidate.running)) {
      progress.step(volume, await stopDescription(docker, owner));
      await stopContainer(docker, owner);
      stopped.push(owner);
    }
    if (!empty) {
      progress.step(volume, "emptying the volume (--force)");
      await emptyVolume(
        docker,
        volume,
        owners.map((owner) => owner.image),
      );
    }
    progress.step(volume, `restoring ${file}`);
    await restoreIntoContainerPath(helper, HELPER_MOUNT, file, (bytes, done) => progress.bytes(volume, "sent", bytes, done));
    progress.step(volume, `restored from a ${formatBytes(statSync(file).size)} archive`);
  } finally {
    await removeHelper(helper);
    for (const owner of stopped) {
      progress.step(volume, `starting ${owner.name}, waiting until it is healthy (up to ${settings.waitTimeoutSeconds} s)`);
      await startAndWaitHealthy(docker, owner, settings.waitTimeoutSeconds);
    }
  }
}

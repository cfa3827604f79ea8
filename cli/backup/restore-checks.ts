import { NatsmonError } from "../natsmon-error.js";
import type { VolumeOwner } from "./docker-engine.js";
import type { Progress } from "./progress.js";
import type { VerifiedArchive } from "./volume-archive.js";

/**
 * Compares where an archive came from (its manifest) with the volume it is
 * about to go into: the volume's name, the component and the stack of the
 * containers that use it. A mismatch (a Grafana archive into a NATS node's
 * volume, node 1's archive into node 2's) is refused unless
 * `allowMismatch`. An archive without a manifest (natsmon before manifests)
 * cannot show where it came from, so it is refused the same way.
 */
export function checkOrigin(
  archive: VerifiedArchive,
  volume: string,
  owners: readonly VolumeOwner[],
  allowMismatch: boolean,
  progress: Progress,
): void {
  const manifest = archive.manifest;
  if (!manifest) {
    if (!allowMismatch) {
      throw new NatsmonError(
        `${archive.file} has no manifest (written by a natsmon before archives had one, or not by natsmon): nothing says which volume it came from`,
        `if you know it is ${volume}'s, pass --allow-mismatch to restore it anyway`,
      );
    }
    progress.warn(volume, "the archive has no manifest; restoring it into this volume because of --allow-mismatch");
    return;
  }
  const component = owners.find((owner) => owner.component !== undefined)?.component;
  const stack = owners.find((owner) => owner.project !== undefined)?.project;
  const differences: string[] = [];
  if (manifest.volume !== volume) differences.push(`volume ${manifest.volume}, not ${volume}`);
  if (manifest.component && component && manifest.component !== component) {
    differences.push(`component ${manifest.component}, not ${component} (the volume's containers)`);
  }
  if (manifest.stack && stack && manifest.stack !== stack) differences.push(`stack ${manifest.stack}, not ${stack}`);
  if (differences.length === 0) return;
  const text = `${archive.file} is an archive of another part: ${differences.join(", ")}`;
  if (!allowMismatch) {
    throw new NatsmonError(text, `pick the archive of ${volume}; or, if this is meant (a clone, a renamed stack), pass --allow-mismatch`);
  }
  progress.warn(volume, `${text}; restoring it anyway (--allow-mismatch)`);
}

/**
 * The archives of a cluster restore must come from one backup run (the same
 * `run` in their manifests; the same date in the names of archives without
 * one), or the nodes would restart with JetStream states of different times.
 */
export function checkSameRun(archives: readonly VerifiedArchive[], allowMismatch: boolean): void {
  const runOf = (archive: VerifiedArchive) => archive.manifest?.run ?? /-(\d{8})\.tar\.gz$/.exec(archive.file)?.[1] ?? "unknown";
  const runs = new Set(archives.map(runOf));
  if (runs.size <= 1 || allowMismatch) return;
  throw new NatsmonError(
    `the archives come from different backup runs: ${archives.map((archive) => `${archive.file} (${runOf(archive)})`).join(", ")}`,
    "pass the archives of one run (one natsmon backup of every node); --allow-mismatch restores them anyway",
  );
}

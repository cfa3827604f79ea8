import { randomBytes } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type Docker from "dockerode";
import { COMPONENTS, OUTPUTS } from "../../contract/index.js";
import { NatsmonError } from "../natsmon-error.js";
import { loadOutputs } from "../outputs.js";
import { parseStackHosts, refuseAcrossHosts } from "../stack-hosts.js";
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
import { EXIT_INTERRUPTED, Interruption } from "./interruption.js";
import { otherNatsNodes, requireOtherNodesReady, waitNodeCurrent } from "./jetstream-health.js";
import { PREVIOUS_PREFIX } from "./manifest.js";
import { formatBytes, Progress } from "./progress.js";
import { checkOrigin, checkSameRun } from "./restore-checks.js";
import { inspectContainerPath, restoreIntoContainerPath, type VerifiedArchive, type VolumeRoot, verifyArchive } from "./volume-archive.js";
import { discardCommand, putBack, setAside } from "./volume-shell.js";

/** Options of `natsmon restore`, as commander hands them over. */
export interface RestoreCommandOptions {
  readonly volume?: string;
  readonly waitTimeout: number;
  readonly force?: boolean;
  readonly allowMismatch?: boolean;
  readonly cluster?: boolean;
  /** Where the stack's outputs are, for --cluster (which nodes, on which hosts). */
  readonly outputs?: string;
  readonly stack?: string;
}

/** Runs `natsmon restore`; returns the exit status (130 after Ctrl-C or SIGTERM, everything put back). */
export async function restoreCommand(archives: readonly string[], options: RestoreCommandOptions): Promise<number> {
  const files = archives.map((archive) => resolve(archive));
  for (const file of files) {
    requireArchive(file);
  }
  if (!options.cluster && files.length !== 1) {
    throw new NatsmonError(
      `restore takes one archive, got ${files.length}`,
      "pass one archive, or --cluster with every JetStream node's archive of one backup run",
    );
  }
  if (options.cluster && options.volume)
    throw new NatsmonError("--volume does not go with --cluster", "each archive names its node's volume");
  if (options.cluster) {
    // All nodes must stop and start together; across hosts one engine sees only its own nodes
    // and would restore them while the others keep newer JetStream state.
    const outputs = await loadOutputs(options.outputs, { stack: options.stack });
    refuseAcrossHosts(
      "restore --cluster",
      parseStackHosts(outputs.values[OUTPUTS.hosts]),
      (host) =>
        host.natsServers.length === 0
          ? "no NATS node"
          : `docker -H ${host.dockerHost} stop ${host.natsServers.join(" ")}; then extract each node's archive into its empty volume there (tar -xzpf, see docs/operations-backup-restore.md)`,
      "stop every node on every host first, restore each volume on its own host, then start them all together",
    );
  }
  const interruption = new Interruption().install((message) => process.stderr.write(`natsmon: ${message}\n`));
  const settings: RestoreSettings = {
    force: options.force ?? false,
    allowMismatch: options.allowMismatch ?? false,
    waitTimeoutSeconds: options.waitTimeout,
    signal: interruption.signal,
  };
  try {
    const outcomes = options.cluster
      ? await restoreCluster(files, settings)
      : [await restoreVolume(files[0], options.volume ?? volumeFromName(files[0]), settings)];
    for (const outcome of outcomes) {
      process.stdout.write(`${outcome.volume} restored from ${outcome.file}\n`);
      if (outcome.previous) {
        process.stdout.write(
          `  its previous contents are kept in ${outcome.volume}:/${outcome.previous.folder}; once the part is fine, delete them:\n  ${outcome.previous.discard}\n`,
        );
      }
    }
    return 0;
  } catch (error) {
    if (!interruption.signal.aborted) throw error;
    process.stderr.write(`natsmon: ${(error as Error).message}\n`);
    return EXIT_INTERRUPTED;
  } finally {
    interruption.uninstall();
  }
}

/** Fails with "no archive at ..." before anything else when the file is missing. */
function requireArchive(file: string): void {
  if (!existsSync(file)) throw new NatsmonError(`no archive at ${file}`, "pass the path of a .tar.gz made by natsmon backup");
}

function volumeFromName(file: string): string {
  const volume = volumeOfArchive(file);
  if (!volume) {
    throw new NatsmonError(
      `cannot tell the volume from the name ${file}`,
      "pass --volume NAME (archives are named <volume>-YYYYMMDD.tar.gz)",
    );
  }
  return volume;
}

/** Settings of {@link restoreVolume} and {@link restoreCluster}. */
export interface RestoreSettings {
  /** Restore into a volume that holds data (which is kept aside); without it such a volume is refused. */
  readonly force: boolean;
  /** Restore an archive of another volume, component or stack, or one without a manifest. */
  readonly allowMismatch?: boolean;
  readonly waitTimeoutSeconds: number;
  readonly progress?: Progress;
  /** Aborting it (Ctrl-C) stops going forward and puts everything back. */
  readonly signal?: AbortSignal;
}

/** What a restore did. */
export interface RestoreOutcome {
  readonly volume: string;
  readonly file: string;
  /** Where the volume's previous contents are kept, and the command that deletes them; none when it was empty. */
  readonly previous?: { readonly folder: string; readonly discard: string };
}

/** One volume to restore, checked, with what is needed to undo it. */
interface Target {
  readonly file: string;
  readonly volume: string;
  readonly archive: VerifiedArchive;
  readonly owners: VolumeOwner[];
  readonly root: VolumeRoot;
  /** Set once the volume's contents are being moved aside (undefined when it was empty). */
  aside?: string;
  /** The image the file operations ran with. */
  image?: string;
  /** Set once anything in the volume was changed. */
  changed: boolean;
}

/**
 * Puts an archive back into its volume, without ever leaving the part worse off:
 * 1. the whole archive is read and checked (gzip and tar to the end, the
 *    manifest's file count, bytes and checksum), and its origin (volume,
 *    component, stack) compared with the target's, before anything changes;
 * 2. a volume that holds data is refused unless `force`; a JetStream node
 *    of a running cluster is restored only while the other nodes are
 *    healthy, current and follow a meta leader;
 * 3. the volume's containers are stopped, its contents moved aside into
 *    `.natsmon-previous-<time>` inside the volume, the archive extracted,
 *    the containers started and waited for (healthy; a NATS node also
 *    current);
 * 4. on any failure or interruption, the restored files are deleted, the
 *    previous contents moved back and the containers started again.
 */
export async function restoreVolume(file: string, volume: string, settings: RestoreSettings): Promise<RestoreOutcome> {
  const progress = settings.progress ?? new Progress();
  const docker = await connectDocker();
  const target = await prepareTarget(docker, file, volume, settings, progress);
  const running = target.owners.filter((owner) => owner.running);
  if (running.some((owner) => owner.component === COMPONENTS.nats)) {
    await requireOtherNodesReady(docker, target.owners, volume, progress, "restoring");
  }
  await replaceAndRestart(docker, [target], settings, progress);
  return outcomeOf(target);
}

/**
 * Restores a whole JetStream cluster from one backup run: every node's
 * archive (same run), every node of the stack covered. All nodes are
 * stopped, every volume is restored (previous contents aside), and all are
 * started together, so no node with newer data can out-vote the restored
 * ones. On a failure every volume is put back and every node started.
 */
export async function restoreCluster(files: readonly string[], settings: RestoreSettings): Promise<RestoreOutcome[]> {
  const progress = settings.progress ?? new Progress();
  const docker = await connectDocker();
  const targets: Target[] = [];
  for (const file of files) {
    targets.push(await prepareTarget(docker, file, volumeFromName(file), settings, progress));
  }
  const volumes = new Set(targets.map((target) => target.volume));
  if (volumes.size !== targets.length) throw new NatsmonError("two archives are for the same volume", "pass one archive per node");
  checkSameRun(
    targets.map((target) => target.archive),
    settings.allowMismatch ?? false,
  );
  const notNats = targets.filter((target) => (target.archive.manifest?.component ?? target.owners[0]?.component) !== COMPONENTS.nats);
  if (notNats.length > 0) {
    throw new NatsmonError(
      `--cluster restores JetStream nodes; ${notNats.map((target) => target.volume).join(", ")} is not a NATS node's volume`,
      "restore other parts one at a time, without --cluster",
    );
  }
  const owners = targets.flatMap((target) => target.owners);
  const left = await otherNatsNodes(docker, owners);
  if (left.length > 0) {
    throw new NatsmonError(
      `the cluster also has ${left.map((node) => node.name).join(", ")}, which no archive covers: it would keep newer JetStream state than the restored nodes`,
      "pass every node's archive of one backup run (backups/<prefix>nats-node*-data-YYYYMMDD.tar.gz)",
    );
  }
  await replaceAndRestart(docker, targets, settings, progress);
  return targets.map(outcomeOf);
}

function outcomeOf(target: Target): RestoreOutcome {
  const previous =
    target.aside && target.image ? { folder: target.aside, discard: discardCommand(target.volume, target.aside, target.image) } : undefined;
  return { volume: target.volume, file: target.file, ...(previous ? { previous } : {}) };
}

/** Step 1 and the `force` half of step 2: reads everything, changes nothing. */
async function prepareTarget(docker: Docker, file: string, volume: string, settings: RestoreSettings, progress: Progress): Promise<Target> {
  requireArchive(file);
  progress.step(volume, `reading the whole archive ${file} (${formatBytes(statSync(file).size)}) to check it`);
  const archive = await verifyArchive(file, { signal: settings.signal });
  progress.step(
    volume,
    archive.manifest
      ? `archive is whole: ${archive.files} files, ${formatBytes(archive.bytes)}, sha256 ${archive.sha256.slice(0, 12)}... as its manifest says`
      : `archive is whole: ${archive.files} files, ${formatBytes(archive.bytes)} (no manifest: written before natsmon recorded one)`,
  );
  await requireVolume(docker, volume);
  const owners = await volumeOwners(docker, volume);
  checkOrigin(archive, volume, owners, settings.allowMismatch ?? false, progress);
  const helper = await createHelper(docker, volume, { readOnly: true });
  let root: VolumeRoot;
  try {
    root = await inspectContainerPath(helper, HELPER_MOUNT);
  } finally {
    await removeHelper(helper);
  }
  if (!root.empty && !settings.force) {
    throw new NatsmonError(
      `${volume} is not empty; restoring into it replaces its data`,
      `pass --force to restore anyway: its containers are stopped meanwhile and its current contents are kept in ${volume}:/${PREVIOUS_PREFIX}<time> until the restored part is healthy`,
    );
  }
  if (root.previous.length > 0) {
    progress.warn(
      volume,
      `earlier restores' previous contents are still in the volume: ${root.previous.join(", ")} (delete them once not needed)`,
    );
  }
  return { file, volume, archive, owners, root, changed: false };
}

/** Steps 3 and 4 for every target together. */
async function replaceAndRestart(docker: Docker, targets: Target[], settings: RestoreSettings, progress: Progress): Promise<void> {
  const signal = settings.signal;
  const stopped: { owner: VolumeOwner; volume: string }[] = [];
  // The time says when; the random part keeps two restores in one second apart.
  const stamp = `${new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")}-${randomBytes(2).toString("hex")}`;
  try {
    // Stopped together: a cluster restore must not let a node with newer data run beside restored ones.
    await Promise.all(
      targets.flatMap((target) =>
        target.owners
          .filter((owner) => owner.running)
          .map(async (owner) => {
            signal?.throwIfAborted();
            progress.step(target.volume, await stopDescription(docker, owner));
            stopped.push({ owner, volume: target.volume });
            await stopContainer(docker, owner);
          }),
      ),
    );
    for (const target of targets) {
      signal?.throwIfAborted();
      const images = target.owners.map((owner) => owner.image);
      target.changed = true;
      if (!target.root.empty) {
        target.aside = `${PREVIOUS_PREFIX}${stamp}`;
        target.image = await setAside(docker, target.volume, target.aside, images);
        progress.step(target.volume, `moved its current contents aside, into ${target.volume}:/${target.aside}`);
      }
      signal?.throwIfAborted();
      progress.step(target.volume, `restoring ${target.file}`);
      const helper = await createHelper(docker, target.volume, { readOnly: false });
      try {
        await restoreIntoContainerPath(helper, HELPER_MOUNT, target.file, {
          signal,
          onProgress: (bytes, done) => progress.bytes(target.volume, "sent", bytes, done),
        });
      } finally {
        await removeHelper(helper);
      }
      progress.step(target.volume, `restored ${target.archive.files} files, ${formatBytes(target.archive.bytes)}`);
    }
    await startAll(docker, stopped, settings, progress, signal);
  } catch (error) {
    await undo(docker, targets, stopped, settings, progress, error);
  }
}

/** Starts the containers, all at once, and waits until each is healthy (and a NATS node current). */
async function startAll(
  docker: Docker,
  stopped: readonly { owner: VolumeOwner; volume: string }[],
  settings: RestoreSettings,
  progress: Progress,
  signal?: AbortSignal,
): Promise<void> {
  await Promise.all(
    stopped.map(async ({ owner, volume }) => {
      progress.step(volume, `starting ${owner.name}, waiting until it is healthy (up to ${settings.waitTimeoutSeconds} s)`);
      const started = Date.now();
      await startAndWaitHealthy(docker, owner, settings.waitTimeoutSeconds, signal);
      if (owner.component === COMPONENTS.nats) {
        const left = Math.max(1, settings.waitTimeoutSeconds - Math.round((Date.now() - started) / 1000));
        await waitNodeCurrent(docker, owner, left, volume, progress, signal);
      }
    }),
  );
}

/**
 * Step 4: the restore failed or was interrupted. Each changed volume gets
 * its previous contents back, every stopped container is started again,
 * and the error says so. Nothing here listens to the interruption: it is
 * the cleanup the interruption asked for.
 */
async function undo(
  docker: Docker,
  targets: readonly Target[],
  stopped: readonly { owner: VolumeOwner; volume: string }[],
  settings: RestoreSettings,
  progress: Progress,
  error: unknown,
): Promise<never> {
  const reason = (error as Error)?.message ?? String(error);
  const changed = targets.filter((target) => target.changed);
  const problems: string[] = [];
  if (changed.length > 0) {
    // The restored containers may run (a failed health wait): stop them before their files move.
    await Promise.all(stopped.map(({ owner }) => stopContainer(docker, owner).catch(() => undefined)));
  }
  for (const target of changed) {
    progress.warn(target.volume, `restore failed (${reason}); putting the previous contents back`);
    try {
      await putBack(
        docker,
        target.volume,
        target.aside,
        target.root,
        target.owners.map((owner) => owner.image),
      );
      progress.step(target.volume, target.aside ? `previous contents back in place (from ${target.aside})` : "emptied again, as it was");
    } catch (putBackError) {
      problems.push(
        `${target.volume}: could not put its previous contents back (${(putBackError as Error).message})${target.aside ? `; they are in ${target.volume}:/${target.aside}` : ""}`,
      );
    }
  }
  try {
    await startAll(docker, stopped, settings, progress);
  } catch (startError) {
    problems.push(`starting again: ${(startError as Error).message}`);
  }
  const volumes = targets.map((target) => target.volume).join(", ");
  const restarted = stopped.length > 0 ? ` and ${stopped.map(({ owner }) => owner.name).join(", ")} run again` : "";
  if (problems.length > 0) {
    throw new NatsmonError(
      `restoring ${volumes} failed (${reason}), and undoing it did not fully work: ${problems.join("; ")}`,
      "fix the volumes by hand as said above, then start the stopped containers (docker start NAME)",
    );
  }
  const message =
    changed.length > 0
      ? `restoring ${volumes} did not complete (${reason}); the previous contents are back in place${restarted}`
      : `restoring ${volumes} did not start (${reason}); nothing in the volumes was changed${restarted}`;
  throw new NatsmonError(message, (error as NatsmonError)?.fix ?? "fix the cause above and run the restore again");
}

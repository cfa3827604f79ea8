import { createHash, type Hash } from "node:crypto";
import type tar from "tar-stream";
import { NatsmonError } from "../natsmon-error.js";

/** natsmon's version, recorded in every archive it writes. */
export const NATSMON_VERSION = "0.1.0";

/**
 * The archive's first entry. It is not a file of the volume: restore reads
 * it and never writes it into the volume. Its name has no `./`, unlike the
 * volume's entries, so it cannot collide with one of them.
 */
export const MANIFEST_NAME = "natsmon-manifest.json";

/** The manifest's format; a later natsmon that changes it bumps the number. */
export const MANIFEST_FORMAT = "natsmon-backup/1";

/**
 * Folders a restore moves the volume's previous contents into
 * (`.natsmon-previous-<time>`). Backups leave them out, restores leave
 * them where they are.
 */
export const PREVIOUS_PREFIX = ".natsmon-previous-";

/** Where an archive came from and what it holds, written by `natsmon backup`. */
export interface BackupManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly natsmonVersion: string;
  /** When this archive was written (ISO 8601). */
  readonly created: string;
  /** When the backup run that wrote it started: every archive of one run has the same value. */
  readonly run: string;
  /** The `natsmon.project` label of the volume's containers (the stack), when they carry one. */
  readonly stack: string | null;
  /** The `natsmon.component` label of the volume's containers: nats, prometheus, grafana, ... */
  readonly component: string | null;
  readonly volume: string;
  /** The containers that mounted the volume when it was archived. */
  readonly containers: readonly string[];
  /** Regular files in the archive (the manifest left out). */
  readonly files: number;
  /** Bytes of those files. */
  readonly bytes: number;
  /** {@link ContentDigest} of every entry after the manifest, in order. */
  readonly sha256: string;
}

/**
 * The checksum of an archive's entries: sha256 over each entry's name, type,
 * mode, owner, size and link target (one JSON line) followed by its
 * contents. Times are left out (the engine and tar round them
 * differently); everything a restore puts back is in. Backup and restore
 * compute it over the same tar-stream entries, so it does not depend on
 * how the tar blocks or gzip were written.
 */
export class ContentDigest {
  private readonly hash: Hash = createHash("sha256");
  files = 0;
  bytes = 0;

  /** Adds an entry's header; then call {@link data} with its contents. */
  header(header: tar.Header): void {
    const type = header.type ?? "file";
    const line = [
      header.name,
      type,
      (header.mode ?? 0) & 0o7777,
      header.uid ?? 0,
      header.gid ?? 0,
      header.size ?? 0,
      header.linkname ?? "",
    ];
    this.hash.update(`${JSON.stringify(line)}\n`);
    if (type === "file" || type === "contiguous-file") {
      this.files += 1;
      this.bytes += header.size ?? 0;
    }
  }

  data(chunk: Buffer): void {
    this.hash.update(chunk);
  }

  hex(): string {
    return this.hash.digest("hex");
  }
}

/** Parses and checks the manifest entry's text. */
export function parseManifest(text: string, file: string): BackupManifest {
  let value: Partial<BackupManifest>;
  try {
    value = JSON.parse(text) as Partial<BackupManifest>;
  } catch (error) {
    throw new NatsmonError(
      `${file}: its ${MANIFEST_NAME} is not JSON (${(error as Error).message})`,
      "the archive is damaged; pick another",
    );
  }
  if (value.format !== MANIFEST_FORMAT) {
    throw new NatsmonError(
      `${file}: its manifest has format ${JSON.stringify(value.format)}, this natsmon reads ${MANIFEST_FORMAT}`,
      "restore it with the natsmon version that wrote it, or a newer one",
    );
  }
  const missing = (["volume", "run", "created", "sha256", "files", "bytes"] as const).filter((key) => value[key] === undefined);
  if (missing.length > 0)
    throw new NatsmonError(`${file}: its manifest lacks ${missing.join(", ")}`, "the archive is damaged; pick another");
  return value as BackupManifest;
}

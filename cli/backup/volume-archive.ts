import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { posix } from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import type Docker from "dockerode";
import tar from "tar-stream";
import { NatsmonError } from "../natsmon-error.js";
import {
  type BackupManifest,
  ContentDigest,
  MANIFEST_FORMAT,
  MANIFEST_NAME,
  NATSMON_VERSION,
  PREVIOUS_PREFIX,
  parseManifest,
} from "./manifest.js";

/** Called with the bytes moved so far; `done` on the last call. */
export type ProgressCallback = (bytes: number, done: boolean) => void;

/** What the caller knows about the volume; the rest of the manifest is counted while archiving. */
export type ArchiveOrigin = Pick<BackupManifest, "run" | "stack" | "component" | "volume" | "containers">;

/** Options of {@link archiveContainerPath}. */
export interface ArchiveOptions {
  readonly origin: ArchiveOrigin;
  readonly onProgress?: ProgressCallback;
  /** Entries go under this folder instead of `./` (a Prometheus snapshot goes where the TSDB lives). */
  readonly prefix?: string;
  /** Aborting it ends the archiving with an error and leaves no file. */
  readonly signal?: AbortSignal;
}

/**
 * Streams a folder of a container (running or not, e.g. a helper that mounts
 * a volume) into a .tar.gz whose first entry is the {@link BackupManifest}
 * and whose other entries are relative to that folder (`./`, `./wal/...`),
 * the layout of `tar -C DIR -czf FILE .`: the archive restores into any
 * volume, whatever folder it was taken from. Ownership, modes, times and
 * links are kept; earlier restores' `.natsmon-previous-*` folders are left
 * out. The manifest's counts and checksum are known only at the end, so the
 * entries go to an uncompressed `.partial.tar` first and are copied behind
 * the manifest after. The file appears only when it is complete.
 */
export async function archiveContainerPath(
  container: Docker.Container,
  path: string,
  file: string,
  options: ArchiveOptions,
): Promise<BackupManifest> {
  const partial = `${file}.partial`;
  const content = `${file}.partial.tar`;
  const prefix = options.prefix ? `${options.prefix.replace(/^\.?\/+|\/+$/g, "")}/` : "";
  const source = (await container.getArchive({ path })) as unknown as Readable;
  const abort = () => source.destroy(new NatsmonError("interrupted", undefined));
  options.signal?.addEventListener("abort", abort, { once: true });
  try {
    const digest = new ContentDigest();
    // The engine names entries after the folder itself: "volume/...".
    const copy = copyEntries(source.pipe(counter(options.onProgress)), {
      rename: (name) => `./${prefix}${dropFirstComponent(name)}`,
      keep: (name) => !isPrevious(name),
      digest,
    });
    await Promise.all([copy.done, pipeline(copy.output, createWriteStream(content))]);
    options.signal?.throwIfAborted();
    const manifest: BackupManifest = {
      format: MANIFEST_FORMAT,
      natsmonVersion: NATSMON_VERSION,
      created: new Date().toISOString(),
      ...options.origin,
      files: digest.files,
      bytes: digest.bytes,
      sha256: digest.hex(),
    };
    const second = copyEntries(createReadStream(content), {
      first: {
        header: { name: MANIFEST_NAME, mode: 0o644, mtime: new Date(manifest.created) },
        body: `${JSON.stringify(manifest, null, 2)}\n`,
      },
    });
    await Promise.all([second.done, pipeline(second.output, createGzip(), createWriteStream(partial))]);
    options.signal?.throwIfAborted();
    await rename(partial, file);
    return manifest;
  } catch (error) {
    source.destroy();
    await rm(partial, { force: true });
    throw options.signal?.aborted ? options.signal.reason : error;
  } finally {
    options.signal?.removeEventListener("abort", abort);
    await rm(content, { force: true });
  }
}

/** What {@link verifyArchive} found in an archive that is whole. */
export interface VerifiedArchive {
  readonly file: string;
  /** Undefined for an archive written before natsmon wrote manifests. */
  readonly manifest?: BackupManifest;
  readonly files: number;
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * Reads the whole archive, as restore will, before anything is touched:
 * the gzip stream to its end (its CRC and length are checked there, so a
 * truncated or corrupted file fails), every tar entry (relative, inside the
 * volume), and, when the archive has a manifest, its file count, bytes and
 * checksum against what was read.
 */
export async function verifyArchive(
  file: string,
  options: { signal?: AbortSignal; onProgress?: ProgressCallback } = {},
): Promise<VerifiedArchive> {
  const size = (await stat(file)).size;
  if (size === 0) throw new NatsmonError(`${file} is empty`, "pick another archive");
  const digest = new ContentDigest();
  let manifestText: string | undefined;
  let first = true;
  let outside: string | undefined;
  const extract = tar.extract();
  const source = createReadStream(file);
  const abort = () => source.destroy(new NatsmonError("interrupted", undefined));
  options.signal?.addEventListener("abort", abort, { once: true });
  const reading = pipeline(source, counter(options.onProgress), createGunzip(), extract).then(
    () => undefined,
    (error: Error) => error,
  );
  try {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      if (first && entry.header.name === MANIFEST_NAME) {
        for await (const chunk of entry) chunks.push(chunk as Buffer);
        manifestText = Buffer.concat(chunks).toString("utf8");
      } else {
        const name = entry.header.name;
        if (outside === undefined && (name.startsWith("/") || name.split("/").includes(".."))) outside = name;
        digest.header(entry.header);
        for await (const chunk of entry) digest.data(chunk as Buffer);
      }
      first = false;
    }
  } catch (error) {
    await reading;
    throw damaged(file, options.signal?.aborted ? options.signal.reason : error);
  } finally {
    options.signal?.removeEventListener("abort", abort);
  }
  const failure = await reading;
  if (options.signal?.aborted) throw options.signal.reason;
  if (failure) throw damaged(file, failure);
  if (outside !== undefined) {
    throw new NatsmonError(
      `${file} has an entry outside the volume: ${outside}`,
      "pick an archive made by natsmon backup (its entries start with ./)",
    );
  }
  if (first) throw new NatsmonError(`${file} holds no files`, "pick an archive made by natsmon backup");
  const found = { file, files: digest.files, bytes: digest.bytes, sha256: digest.hex() };
  if (manifestText === undefined) return found;
  const manifest = parseManifest(manifestText, file);
  const wrong = (["files", "bytes", "sha256"] as const).filter((key) => manifest[key] !== found[key]);
  if (wrong.length > 0) {
    throw new NatsmonError(
      `${file} is damaged: its manifest says ${wrong.map((key) => `${key} ${manifest[key]}`).join(", ")}, the archive holds ${wrong.map((key) => `${key} ${found[key]}`).join(", ")}`,
      "pick another archive; this one does not hold what was backed up",
    );
  }
  return { ...found, manifest };
}

function damaged(file: string, error: unknown): Error {
  if (error instanceof NatsmonError) return error;
  return new NatsmonError(
    `${file} is not a .tar.gz archive, or not a whole one: ${(error as Error).message}`,
    "pick another archive made by natsmon backup (this one is truncated or damaged); nothing was changed",
  );
}

/**
 * Extracts a .tar.gz made by {@link archiveContainerPath} into a container's
 * folder, the folder's own owner and mode included: the engine applies an
 * entry's metadata to the folder only when the entry names it, so the
 * entries are renamed from `./...` to `<folder>/...` and sent to its parent.
 * The manifest is not a file of the volume and stays out. Check the archive
 * with {@link verifyArchive} first: a failure here leaves part of it written.
 */
export async function restoreIntoContainerPath(
  container: Docker.Container,
  path: string,
  file: string,
  options: { onProgress?: ProgressCallback; signal?: AbortSignal } = {},
): Promise<void> {
  const folder = posix.basename(path);
  const source = createReadStream(file);
  const abort = () => source.destroy(new NatsmonError("interrupted", undefined));
  options.signal?.addEventListener("abort", abort, { once: true });
  const copy = copyEntries(source.pipe(counter(options.onProgress)).pipe(createGunzip()), {
    rename: (name) => `${folder}/${name.replace(/^(\.\/)+|^\.$/, "")}`,
    keep: (name) => name !== MANIFEST_NAME,
  });
  try {
    // tar-stream's streams are streamx streams, which dockerode pipes like Node's.
    const body = copy.output as unknown as NodeJS.ReadableStream;
    const upload = container.putArchive(body, { path: posix.dirname(path) }) as unknown as Promise<Readable | undefined>;
    const [, response] = await Promise.all([copy.done, upload]);
    response?.resume?.();
    options.signal?.throwIfAborted();
  } catch (error) {
    throw options.signal?.aborted ? options.signal.reason : error;
  } finally {
    options.signal?.removeEventListener("abort", abort);
    source.destroy();
  }
}

/** How {@link copyEntries} changes the entries on the way. */
interface CopyOptions {
  readonly rename?: (name: string) => string;
  /** Entries (by their original name) to copy; the others are skipped. */
  readonly keep?: (name: string) => boolean;
  /** Sees every copied entry, renamed. */
  readonly digest?: ContentDigest;
  /** An entry written before the copied ones. */
  readonly first?: { header: Pick<tar.Header, "name" | "mode" | "mtime">; body: string };
}

/**
 * Copies a tar stream entry by entry, renaming each entry (and the target of
 * hard links, which name entries of the same archive). `done` settles when
 * the input has been read; a failure on either side ends the other.
 */
function copyEntries(input: Readable, options: CopyOptions): { output: tar.Pack; done: Promise<void> } {
  const rename = options.rename ?? ((name: string) => name);
  const extract = tar.extract();
  const pack = tar.pack();
  // tar-stream fills in the header fields left out (type file, size from the body, owner 0).
  if (options.first) pack.entry(options.first.header as tar.Header, options.first.body);
  extract.on("entry", (header, stream, next) => {
    if (options.keep && !options.keep(header.name)) {
      stream.on("end", next);
      stream.resume();
      return;
    }
    const renamed = { ...header, name: rename(header.name) };
    if (header.type === "link" && header.linkname) renamed.linkname = rename(header.linkname);
    const digest = options.digest;
    if (digest) {
      digest.header(renamed);
      stream.on("data", (chunk) => digest.data(chunk as Buffer));
    }
    stream.pipe(pack.entry(renamed, next));
  });
  extract.on("finish", () => pack.finalize());
  pack.on("error", (error) => input.destroy(error));
  const done = pipeline(input, extract).catch((error: unknown) => {
    pack.destroy(error as Error);
    throw error;
  });
  return { output: pack, done };
}

/** True for an entry (engine layout `volume/...` or archive layout `./...`) inside a `.natsmon-previous-*` folder. */
function isPrevious(name: string): boolean {
  return name.replace(/^\/+/, "").split("/")[1]?.startsWith(PREVIOUS_PREFIX) ?? false;
}

function dropFirstComponent(name: string): string {
  return name.replace(/^\/+/, "").split("/").slice(1).join("/");
}

/** Reports the bytes passing through, at most once a second. */
function counter(onProgress?: ProgressCallback): Transform {
  let bytes = 0;
  let last = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (onProgress && Date.now() - last >= 1000) {
        last = Date.now();
        onProgress(bytes, false);
      }
      callback(null, chunk);
    },
    flush(callback) {
      onProgress?.(bytes, true);
      callback();
    },
  });
}

/** The top folder of a volume, as a helper container sees it. */
export interface VolumeRoot {
  /** Nothing in it but earlier restores' `.natsmon-previous-*` folders. */
  readonly empty: boolean;
  /** Those folders. */
  readonly previous: readonly string[];
  /** The folder's own owner and mode, to put back after a failed restore. */
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
}

/**
 * Looks at a folder of a container: its owner and mode, and whether it holds
 * anything besides `.natsmon-previous-*` folders. Reads the engine's archive
 * of it only up to the first other entry.
 */
export async function inspectContainerPath(container: Docker.Container, path: string): Promise<VolumeRoot> {
  const source = (await container.getArchive({ path })) as unknown as Readable;
  const extract = tar.extract();
  source.pipe(extract);
  let root: tar.Header | undefined;
  let empty = true;
  const previous = new Set<string>();
  try {
    for await (const entry of extract) {
      entry.resume();
      const [, top] = entry.header.name.replace(/^\/+/, "").split("/");
      if (root === undefined) {
        root = entry.header;
      } else if (top?.startsWith(PREVIOUS_PREFIX)) {
        previous.add(top);
      } else if (top) {
        empty = false;
        break;
      }
    }
  } finally {
    source.destroy();
  }
  return { empty, previous: [...previous], uid: root?.uid ?? 0, gid: root?.gid ?? 0, mode: (root?.mode ?? 0o755) & 0o7777 };
}

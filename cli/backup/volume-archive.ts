import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { posix } from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import type Docker from "dockerode";
import tar from "tar-stream";
import { NatsmonError } from "../natsmon-error.js";

/** Called with the bytes moved so far; `done` on the last call. */
export type ProgressCallback = (bytes: number, done: boolean) => void;

/**
 * Streams a folder of a container (running or not, e.g. a helper that mounts
 * a volume) into a .tar.gz whose entries are relative to that folder
 * (`./`, `./wal/...`), the layout of `tar -C DIR -czf FILE .`: the archive
 * restores into any volume, whatever folder it was taken from (the volume's
 * root or a Prometheus snapshot inside it). The file appears only when it is
 * complete. Ownership, modes, times and links are kept. With a `prefix`,
 * entries go under that folder instead (`./data/...`).
 */
export async function archiveContainerPath(
  container: Docker.Container,
  path: string,
  file: string,
  options: { readonly onProgress?: ProgressCallback; readonly prefix?: string } = {},
): Promise<void> {
  const partial = `${file}.partial`;
  const prefix = options.prefix ? `${options.prefix.replace(/^\.?\/+|\/+$/g, "")}/` : "";
  const source = (await container.getArchive({ path })) as unknown as Readable;
  // The engine names entries after the folder itself: "volume/...".
  const retarred = retar(source.pipe(counter(options.onProgress)), (name) => `./${prefix}${dropFirstComponent(name)}`);
  try {
    await Promise.all([retarred.done, pipeline(retarred.output, createGzip(), createWriteStream(partial))]);
    await rename(partial, file);
  } catch (error) {
    source.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}

/**
 * Extracts a .tar.gz made by {@link archiveContainerPath} into a container's
 * folder, the folder's own owner and mode included: the engine applies an
 * entry's metadata to the folder only when the entry names it, so the
 * entries are renamed from `./...` to `<folder>/...` and sent to its parent.
 * The engine keeps the owners and modes the archive records.
 */
export async function restoreIntoContainerPath(
  container: Docker.Container,
  path: string,
  file: string,
  onProgress?: ProgressCallback,
): Promise<void> {
  await checkArchiveLayout(file);
  const folder = posix.basename(path);
  const source = createReadStream(file);
  const retarred = retar(source.pipe(counter(onProgress)).pipe(createGunzip()), (name) => `${folder}/${name.replace(/^(\.\/)+|^\.$/, "")}`);
  try {
    // tar-stream's streams are streamx streams, which dockerode pipes like Node's.
    const body = retarred.output as unknown as NodeJS.ReadableStream;
    const upload = container.putArchive(body, { path: posix.dirname(path) }) as unknown as Promise<Readable | undefined>;
    const [, response] = await Promise.all([retarred.done, upload]);
    response?.resume?.();
  } finally {
    source.destroy();
  }
}

/**
 * Copies a tar stream entry by entry, renaming each entry (and the target of
 * hard links, which name entries of the same archive). `done` settles when
 * the input has been read; a failure on either side ends the other.
 */
function retar(input: Readable, renameEntry: (name: string) => string): { output: tar.Pack; done: Promise<void> } {
  const extract = tar.extract();
  const pack = tar.pack();
  extract.on("entry", (header, stream, next) => {
    const renamed = { ...header, name: renameEntry(header.name) };
    if (header.type === "link" && header.linkname) renamed.linkname = renameEntry(header.linkname);
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

/**
 * Reads the archive's first entries: it must be a gzipped tar whose entries
 * are relative (what `natsmon backup` writes), or restoring it would put its
 * files somewhere else in the volume.
 */
export async function checkArchiveLayout(file: string): Promise<void> {
  const size = (await stat(file)).size;
  if (size === 0) throw new NatsmonError(`${file} is empty`, "pick another archive");
  const names: string[] = [];
  const extract = tar.extract();
  const source = createReadStream(file);
  // Settles with the failure, if any, so that it is never an unhandled rejection.
  const reading = pipeline(source, createGunzip(), extract).then(
    () => undefined,
    (error: NodeJS.ErrnoException) => error,
  );
  try {
    for await (const entry of extract) {
      names.push(entry.header.name);
      entry.resume();
      if (names.length >= 5) break;
    }
    // Stopping early destroys the pipeline on purpose; any other failure is a broken archive.
    const failure = await reading;
    if (failure && !(names.length >= 5 && failure.code === "ERR_STREAM_PREMATURE_CLOSE")) throw failure;
  } catch (error) {
    throw new NatsmonError(`${file} is not a .tar.gz archive: ${(error as Error).message}`, "pick an archive made by natsmon backup");
  } finally {
    source.destroy();
  }
  const absolute = names.find((name) => name.startsWith("/") || name.split("/").includes(".."));
  if (names.length === 0 || absolute !== undefined) {
    throw new NatsmonError(
      names.length === 0 ? `${file} holds no files` : `${file} has an entry outside the volume: ${absolute}`,
      "pick an archive made by natsmon backup (its entries start with ./)",
    );
  }
}

/**
 * Whether a folder of a container holds anything. Reads the archive only up
 * to its second entry (the first is the folder itself).
 */
export async function isContainerPathEmpty(container: Docker.Container, path: string): Promise<boolean> {
  const source = (await container.getArchive({ path })) as unknown as Readable;
  const extract = tar.extract();
  source.pipe(extract);
  let entries = 0;
  try {
    for await (const entry of extract) {
      entries += 1;
      entry.resume();
      if (entries > 1) break;
    }
  } finally {
    source.destroy();
  }
  return entries <= 1;
}

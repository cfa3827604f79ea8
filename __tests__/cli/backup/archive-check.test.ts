import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";
import { afterAll, describe, expect, it } from "vitest";
import type { VolumeOwner } from "../../../cli/backup/docker-engine.js";
import { ContentDigest, MANIFEST_FORMAT, MANIFEST_NAME } from "../../../cli/backup/manifest.js";
import { Progress } from "../../../cli/backup/progress.js";
import { checkOrigin, checkSameRun } from "../../../cli/backup/restore-checks.js";
import { type VerifiedArchive, verifyArchive } from "../../../cli/backup/volume-archive.js";

const dir = mkdtempSync(join(tmpdir(), "natsmon-archive-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Entry = { header: Partial<tar.Header> & { name: string }; body?: string | Buffer };

/** A .tar.gz of `entries`, with a manifest first unless `manifest` is false; `override` changes the manifest's fields. */
async function archive(name: string, entries: Entry[], manifest: false | Record<string, unknown> = {}): Promise<string> {
  const digest = new ContentDigest();
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (chunk) => chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve) => pack.on("end", () => resolve()));
  // The digest sees the headers as an extractor reads them back.
  const probe = tar.pack();
  for (const entry of entries) probe.entry({ mtime: new Date(0), ...entry.header } as tar.Header, entry.body ?? "");
  probe.finalize();
  const extract = tar.extract();
  probe.pipe(extract);
  for await (const item of extract) {
    digest.header(item.header);
    for await (const chunk of item) digest.data(chunk as Buffer);
  }
  if (manifest !== false) {
    const body = JSON.stringify({
      format: MANIFEST_FORMAT,
      natsmonVersion: "0.1.0",
      created: "2026-11-30T00:00:00.000Z",
      run: "2026-11-30T00:00:00.000Z",
      stack: "live",
      component: "nats",
      volume: "live-nats-node1-data",
      containers: ["live-nats-node1"],
      files: digest.files,
      bytes: digest.bytes,
      sha256: digest.hex(),
      ...manifest,
    });
    pack.entry({ name: MANIFEST_NAME }, body);
  }
  for (const entry of entries) pack.entry({ mtime: new Date(0), ...entry.header } as tar.Header, entry.body ?? "");
  pack.finalize();
  await ended;
  const file = join(dir, name);
  writeFileSync(file, gzipSync(Buffer.concat(chunks)));
  return file;
}

const NODE: Entry[] = [
  { header: { name: "./", type: "directory", mode: 0o755 } },
  { header: { name: "./jetstream/", type: "directory", mode: 0o750, uid: 1000 } },
  { header: { name: "./jetstream/meta.inf", mode: 0o640, uid: 1000 }, body: Buffer.alloc(70_000, 7) },
  { header: { name: "./jetstream/blk.dat", mode: 0o640, uid: 1000 }, body: "messages" },
  { header: { name: "./current", type: "symlink", linkname: "jetstream" } },
];

describe("verifyArchive reads the whole archive before a restore changes anything", () => {
  it("accepts a whole archive and counts what its manifest says", async () => {
    const file = await archive("whole-20261130.tar.gz", NODE);
    const verified = await verifyArchive(file);
    expect(verified.manifest?.volume).toBe("live-nats-node1-data");
    expect(verified).toMatchObject({ files: 2, bytes: 70_000 + "messages".length });
    expect(verified.sha256).toBe(verified.manifest?.sha256);
  });

  it("refuses the archive cut anywhere: every tenth of its length", async () => {
    const whole = readFileSync(await archive("cut-20261130.tar.gz", NODE));
    for (let tenth = 1; tenth <= 9; tenth++) {
      const file = join(dir, `cut-${tenth}-20261130.tar.gz`);
      writeFileSync(file, whole.subarray(0, Math.floor((whole.length * tenth) / 10)));
      await expect(verifyArchive(file), `cut at ${tenth}/10`).rejects.toThrow(/is not a \.tar\.gz archive, or not a whole one/);
    }
  });

  it("refuses an archive whose counts or checksum differ from its manifest", async () => {
    await expect(verifyArchive(await archive("files-20261130.tar.gz", NODE, { files: 3 }))).rejects.toThrow(
      /is damaged: its manifest says files 3, the archive holds files 2/,
    );
    await expect(verifyArchive(await archive("sum-20261130.tar.gz", NODE, { sha256: "0".repeat(64) }))).rejects.toThrow(
      /is damaged: its manifest says sha256 0{64}, the archive holds sha256 [0-9a-f]{64}/,
    );
  });

  it("refuses an owner or mode changed after the backup (the checksum covers headers)", async () => {
    const file = await archive("mode-20261130.tar.gz", NODE);
    const original = await verifyArchive(file);
    const changed = NODE.map((entry) =>
      entry.header.name === "./jetstream/blk.dat" ? { ...entry, header: { ...entry.header, mode: 0o666 } } : entry,
    );
    await expect(verifyArchive(await archive("mode2-20261130.tar.gz", changed, { sha256: original.sha256 }))).rejects.toThrow(/is damaged/);
  });

  it("refuses an entry outside the volume, an empty file, a manifest of another format", async () => {
    await expect(verifyArchive(await archive("abs-20261130.tar.gz", [{ header: { name: "../etc/passwd" }, body: "x" }]))).rejects.toThrow(
      /has an entry outside the volume: \.\.\/etc\/passwd/,
    );
    const empty = join(dir, "empty-20261130.tar.gz");
    writeFileSync(empty, "");
    await expect(verifyArchive(empty)).rejects.toThrow(/is empty/);
    await expect(verifyArchive(await archive("format-20261130.tar.gz", NODE, { format: "natsmon-backup/9" }))).rejects.toThrow(
      /this natsmon reads natsmon-backup\/1/,
    );
  });

  it("reads an archive without a manifest (an old one) and says it has none", async () => {
    const verified = await verifyArchive(await archive("legacy-20261130.tar.gz", NODE, false));
    expect(verified.manifest).toBeUndefined();
    expect(verified.files).toBe(2);
  });
});

describe("the archive's origin against the target", () => {
  const said: string[] = [];
  const progress = new Progress({ write: (text: string) => said.push(text), isTTY: false } as unknown as NodeJS.WriteStream);
  const owner = (component: string, project = "live"): VolumeOwner => ({
    id: "x",
    name: `live-${component}`,
    running: true,
    component,
    project,
    mountPath: "/data",
    image: "nats",
  });
  const verified = (
    manifest: Partial<NonNullable<VerifiedArchive["manifest"]>> | undefined,
    file = "a-20261130.tar.gz",
  ): VerifiedArchive => ({
    file,
    files: 1,
    bytes: 1,
    sha256: "s",
    manifest: manifest
      ? ({ volume: "live-nats-node1-data", component: "nats", stack: "live", run: "r1", ...manifest } as VerifiedArchive["manifest"])
      : undefined,
  });

  it("accepts its own volume, component and stack", () => {
    expect(() => checkOrigin(verified({}), "live-nats-node1-data", [owner("nats")], false, progress)).not.toThrow();
  });

  it("refuses another volume, component or stack unless --allow-mismatch, and then warns", () => {
    expect(() => checkOrigin(verified({}), "live-nats-node2-data", [owner("nats")], false, progress)).toThrow(
      /is an archive of another part: volume live-nats-node1-data, not live-nats-node2-data/,
    );
    expect(() => checkOrigin(verified({ component: "grafana" }), "live-nats-node1-data", [owner("nats")], false, progress)).toThrow(
      /component grafana, not nats/,
    );
    expect(() => checkOrigin(verified({ stack: "prod" }), "live-nats-node1-data", [owner("nats")], false, progress)).toThrow(
      /stack prod, not live/,
    );
    checkOrigin(verified({ stack: "prod" }), "live-nats-node1-data", [owner("nats")], true, progress);
    expect(said.join("")).toContain("restoring it anyway (--allow-mismatch)");
  });

  it("refuses an archive without a manifest unless --allow-mismatch", () => {
    expect(() => checkOrigin(verified(undefined), "live-nats-node1-data", [owner("nats")], false, progress)).toThrow(/has no manifest/);
    expect(() => checkOrigin(verified(undefined), "live-nats-node1-data", [owner("nats")], true, progress)).not.toThrow();
  });

  it("a cluster restore needs archives of one backup run", () => {
    expect(() => checkSameRun([verified({}), verified({ volume: "live-nats-node2-data" })], false)).not.toThrow();
    expect(() => checkSameRun([verified({}), verified({ run: "r2" })], false)).toThrow(/come from different backup runs/);
    expect(() => checkSameRun([verified({}), verified({ run: "r2" })], true)).not.toThrow();
    expect(() => checkSameRun([verified(undefined, "a-20261130.tar.gz"), verified(undefined, "b-20261201.tar.gz")], false)).toThrow(
      /different backup runs: a-20261130.tar.gz \(20261130\), b-20261201.tar.gz \(20261201\)/,
    );
  });
});

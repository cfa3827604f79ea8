import { createHash, randomBytes } from "node:crypto";
import { createReadStream, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import Docker from "dockerode";
import tar from "tar-stream";
import { afterAll, beforeAll, expect, it } from "vitest";
import { archiveName } from "../../../cli/backup/archive-names.js";
import { backupVolumes } from "../../../cli/backup/backup-command.js";
import { createHelper, HELPER_IMAGE, HELPER_MOUNT, LABELS, removeHelper } from "../../../cli/backup/docker-engine.js";
import { MANIFEST_NAME } from "../../../cli/backup/manifest.js";
import { Progress } from "../../../cli/backup/progress.js";
import { restoreVolume } from "../../../cli/backup/restore-command.js";
import { NatsmonError } from "../../../cli/natsmon-error.js";
import { describeWithTool } from "../../helpers/tools.js";
import { HEALTHY_NODE_FILES, importBusyboxImage } from "../helpers/busybox-image.js";
import { describeWithDockerEngine } from "../helpers/docker-engine.js";

/** Everything this file creates carries this label, and its names start with natsmon-cli-test-. */
const RUN = `natsmon-cli-test-${randomBytes(3).toString("hex")}`;
const TEST_LABEL = { "natsmon.test": RUN };
const BUSYBOX_IMAGE = `natsmon-cli-test/busybox:${RUN.slice(-6)}`;

/** One entry of a volume, as compared across the round trip. */
interface Entry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  linkname?: string;
  sha256?: string;
}

/** The known content: owners and modes of the guide's services, a symlink, 1 MiB of random bytes. */
const CONTENT = randomBytes(1024 * 1024);
function knownContent(): tar.Pack {
  const pack = tar.pack();
  const entry = (header: Partial<tar.Header> & { name: string }, body: Buffer | string = "") =>
    pack.entry({ mtime: new Date("2026-01-01T00:00:00Z"), ...header }, body);
  entry({ name: "volume/", type: "directory", mode: 0o750, uid: 10001, gid: 10001 });
  entry({ name: "volume/hello.txt", mode: 0o640, uid: 10001, gid: 10001 }, "hello, JetStream\n");
  entry({ name: "volume/jetstream/", type: "directory", mode: 0o755, uid: 472, gid: 0 });
  entry({ name: "volume/jetstream/blk.dat", mode: 0o600, uid: 472, gid: 0 }, CONTENT);
  entry({ name: "volume/jetstream/current", type: "symlink", linkname: "blk.dat", mode: 0o777, uid: 0, gid: 0 });
  pack.finalize();
  return pack;
}

/** The volume's entries in a tar stream: the manifest and earlier restores' previous contents left out. */
async function entriesOf(source: Readable): Promise<Entry[]> {
  const extract = tar.extract();
  source.pipe(extract);
  const entries: Entry[] = [];
  for await (const item of extract) {
    const { name, type, mode, uid, gid, linkname } = item.header;
    if (name === MANIFEST_NAME || /^(\.\/|volume\/)\.natsmon-previous-/.test(name)) {
      item.resume();
      continue;
    }
    const hash = createHash("sha256");
    for await (const chunk of item) hash.update(chunk as Buffer);
    entries.push({
      name: name.replace(/^(\.\/|volume\/?)/, "/").replace(/\/$/, "") || "/",
      type: type ?? "file",
      mode: (mode ?? 0) & 0o7777, // the engine's tar also carries the file type bits
      uid: uid ?? 0,
      gid: gid ?? 0,
      ...(type === "symlink" ? { linkname: linkname ?? undefined } : {}),
      ...(type === "file" ? { sha256: hash.digest("hex") } : {}),
    });
  }
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}

describeWithDockerEngine("natsmon backup and restore on the real Docker engine", () => {
  const docker = new Docker();
  const outDir = mkdtempSync(join(tmpdir(), "natsmon-cli-test-backups-"));
  const source = `${RUN}-data`;
  const restored = `${RUN}-restored`;
  const quiet = new Progress({ write: () => true, isTTY: false } as unknown as NodeJS.WriteStream);
  let helperImageExisted = false;
  let original: Entry[];

  const createVolume = (name: string) => docker.createVolume({ Name: name, Labels: TEST_LABEL });
  /** Every name in the volume, the previous-contents folders included. */
  const entriesOfVolumeWithPrevious = async (volume: string) => {
    const helper = await createHelper(docker, volume, { readOnly: true });
    try {
      const extract = tar.extract();
      ((await helper.getArchive({ path: HELPER_MOUNT })) as unknown as Readable).pipe(extract);
      const names: string[] = [];
      for await (const item of extract) {
        names.push(item.header.name.replace(/^volume/, "").replace(/\/$/, ""));
        item.resume();
      }
      return names;
    } finally {
      await removeHelper(helper);
    }
  };
  const volumeEntries = async (volume: string) => {
    const helper = await createHelper(docker, volume, { readOnly: true });
    try {
      return await entriesOf((await helper.getArchive({ path: HELPER_MOUNT })) as unknown as Readable);
    } finally {
      await removeHelper(helper);
    }
  };

  beforeAll(async () => {
    helperImageExisted = await docker
      .getImage(HELPER_IMAGE)
      .inspect()
      .then(
        () => true,
        () => false,
      );
    await createVolume(source);
    await createVolume(restored);
    const helper = await createHelper(docker, source, { readOnly: false });
    try {
      await helper.putArchive(knownContent() as unknown as NodeJS.ReadableStream, { path: "/" });
    } finally {
      await removeHelper(helper);
    }
    original = await volumeEntries(source);
  }, 60_000);

  afterAll(async () => {
    const containers = await docker.listContainers({ all: true, filters: { label: [`natsmon.test=${RUN}`] } });
    await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
    const volumes = (await docker.listVolumes({ filters: { label: [`natsmon.test=${RUN}`] } })).Volumes ?? [];
    await Promise.all(
      volumes.map((v) =>
        docker
          .getVolume(v.Name)
          .remove()
          .catch(() => undefined),
      ),
    );
    await docker
      .getImage(BUSYBOX_IMAGE)
      .remove()
      .catch(() => undefined);
    if (!helperImageExisted)
      await docker
        .getImage(HELPER_IMAGE)
        .remove()
        .catch(() => undefined);
    rmSync(outDir, { recursive: true, force: true });
  }, 60_000);

  it("the known content is in the source volume, root owner included", () => {
    expect(original.map((e) => e.name)).toEqual(["/", "/hello.txt", "/jetstream", "/jetstream/blk.dat", "/jetstream/current"]);
    expect(original[0]).toMatchObject({ type: "directory", uid: 10001, mode: 0o750 });
  });

  it("backs up a volume no container uses into a dated archive with ./ entries", async () => {
    const [record] = await backupVolumes([source], {
      outDir,
      prometheusUrl: "http://127.0.0.1:9",
      waitTimeoutSeconds: 30,
      overwrite: false,
      progress: quiet,
    });
    expect(record).toMatchObject({ volume: source, file: join(outDir, archiveName(source)), method: "idle" });
    expect(await entriesOf(createReadStream(record.file).pipe(createGunzip()))).toEqual(original);
    const names: string[] = [];
    const extract = tar.extract();
    createReadStream(record.file).pipe(createGunzip()).pipe(extract);
    for await (const item of extract) {
      names.push(item.header.name);
      item.resume();
    }
    // The manifest first, then the volume's entries, relative.
    expect(names[0]).toBe(MANIFEST_NAME);
    expect(names[1]).toBe("./");
    expect(names.slice(1).every((name) => name.startsWith("./"))).toBe(true);
  }, 60_000);

  it("refuses to overwrite today's archive unless asked", async () => {
    await expect(
      backupVolumes([source], { outDir, prometheusUrl: "http://127.0.0.1:9", waitTimeoutSeconds: 30, overwrite: false, progress: quiet }),
    ).rejects.toThrow(/already exist/);
  });

  it("refuses the archive of another volume unless --allow-mismatch, before it changes anything", async () => {
    await expect(
      restoreVolume(join(outDir, archiveName(source)), restored, { force: false, waitTimeoutSeconds: 30, progress: quiet }),
    ).rejects.toThrow(new RegExp(`is an archive of another part: volume ${source}, not ${restored}`));
    expect(await volumeEntries(restored)).toEqual([expect.objectContaining({ name: "/" })]);
  }, 60_000);

  it("restores the archive into an empty volume exactly: contents, owners, modes, links", async () => {
    await restoreVolume(join(outDir, archiveName(source)), restored, {
      force: false,
      allowMismatch: true,
      waitTimeoutSeconds: 30,
      progress: quiet,
    });
    expect(await volumeEntries(restored)).toEqual(original);
  }, 60_000);

  it("refuses a non-empty volume without --force, and leaves it alone", async () => {
    const before = await volumeEntries(restored);
    await expect(
      restoreVolume(join(outDir, archiveName(source)), restored, {
        force: false,
        allowMismatch: true,
        waitTimeoutSeconds: 30,
        progress: quiet,
      }),
    ).rejects.toThrow(NatsmonError);
    await expect(
      restoreVolume(join(outDir, archiveName(source)), restored, {
        force: false,
        allowMismatch: true,
        waitTimeoutSeconds: 30,
        progress: quiet,
      }),
    ).rejects.toThrow(/is not empty/);
    expect(await volumeEntries(restored)).toEqual(before);
  }, 60_000);

  it("refuses a volume that does not exist and an archive that is not one", async () => {
    await expect(
      restoreVolume(join(outDir, archiveName(source)), `${RUN}-missing`, { force: false, waitTimeoutSeconds: 30, progress: quiet }),
    ).rejects.toThrow(/no Docker volume named/);
    const bogus = join(outDir, "bogus-20260101.tar.gz");
    writeFileSync(bogus, "not gzip at all");
    await expect(restoreVolume(bogus, restored, { force: false, waitTimeoutSeconds: 30, progress: quiet })).rejects.toThrow(
      /not a \.tar\.gz archive/,
    );
  }, 60_000);

  describeWithTool("busybox", "with a container that owns the volume (busybox image built from the host's)", () => {
    let owner: Docker.Container;
    beforeAll(async () => {
      // An image with a shell, without a registry; its /healthz and /jsz answer as a current NATS node's.
      await importBusyboxImage(docker, BUSYBOX_IMAGE, HEALTHY_NODE_FILES);
      owner = await docker.createContainer({
        name: `${RUN}-owner`,
        Image: BUSYBOX_IMAGE,
        // Plays a NATS node: natsmon asks its /healthz on 8222 before it moves on.
        Cmd: ["/bin/sh", "-c", "httpd -p 127.0.0.1:8222 -h /www && exec sleep 3600"],
        Labels: { ...TEST_LABEL, [LABELS.component]: "nats" },
        StopTimeout: 1,
        Healthcheck: { Test: ["CMD", "/bin/true"], Interval: 1_000_000_000, Timeout: 1_000_000_000, Retries: 3 },
        HostConfig: { NetworkMode: "none", Mounts: [{ Type: "volume", Source: restored, Target: "/data" }] },
      } as Docker.ContainerCreateOptions);
      await owner.start();
    }, 60_000);

    it("stops the owner for the backup and starts it again, healthy and (for a NATS node) current", async () => {
      const said: string[] = [];
      const progress = new Progress({ write: (text: string) => said.push(text), isTTY: false } as unknown as NodeJS.WriteStream);
      const [record] = await backupVolumes([restored], {
        outDir,
        prometheusUrl: "http://127.0.0.1:9",
        waitTimeoutSeconds: 60,
        overwrite: true,
        progress,
      });
      expect(record.method).toBe("stopped");
      const steps = said.join("");
      expect(steps).toContain(`stopping ${RUN}-owner (SIGTERM, up to 1 s)`);
      expect(steps).toContain(`starting ${RUN}-owner, waiting until it is healthy`);
      expect(steps).toContain(`${RUN}-owner: JetStream is current`);
      const state = (await owner.inspect()).State;
      expect(state.Running).toBe(true);
      expect(state.Health?.Status).toBe("healthy");
      expect(existsSync(record.file)).toBe(true);
    }, 90_000);

    it("restore --force moves the current contents aside (no stale file among the restored ones) and restarts the owner", async () => {
      const helper = await createHelper(docker, restored, { readOnly: false });
      const stale = tar.pack();
      stale.entry({ name: "volume/stale.txt" }, "from before the restore");
      stale.finalize();
      await helper.putArchive(stale as unknown as NodeJS.ReadableStream, { path: "/" });
      await removeHelper(helper);
      expect((await volumeEntries(restored)).map((e) => e.name)).toContain("/stale.txt");

      const outcome = await restoreVolume(join(outDir, archiveName(source)), restored, {
        force: true,
        allowMismatch: true, // the archive is the source volume's
        waitTimeoutSeconds: 60,
        progress: quiet,
      });
      expect(await volumeEntries(restored)).toEqual(original);
      expect((await owner.inspect()).State.Health?.Status).toBe("healthy");
      // The stale file is kept aside, where the outcome says, until the user deletes it.
      expect(outcome.previous?.folder).toMatch(/^\.natsmon-previous-\d{8}T\d{6}Z-[0-9a-f]{4}$/);
      const all = await entriesOfVolumeWithPrevious(restored);
      expect(all).toContain(`/${outcome.previous?.folder}/stale.txt`);
    }, 90_000);
  });
});

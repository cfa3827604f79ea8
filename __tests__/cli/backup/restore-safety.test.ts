import { randomBytes } from "node:crypto";
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import Docker from "dockerode";
import tar from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archiveName } from "../../../cli/backup/archive-names.js";
import { backupVolumes } from "../../../cli/backup/backup-command.js";
import { createHelper, HELPER_IMAGE, HELPER_MOUNT, LABELS, removeHelper } from "../../../cli/backup/docker-engine.js";
import { MANIFEST_NAME } from "../../../cli/backup/manifest.js";
import { Progress } from "../../../cli/backup/progress.js";
import { restoreVolume } from "../../../cli/backup/restore-command.js";
import { describeWithTool } from "../../helpers/tools.js";
import { HEALTHY_NODE_FILES, importBusyboxImage } from "../helpers/busybox-image.js";
import { describeWithDockerEngine } from "../helpers/docker-engine.js";
import { runNatsmon, startNatsmon } from "../helpers/run-natsmon.js";

const RUN = `natsmon-cli-safe-${randomBytes(3).toString("hex")}`;
const TEST_LABEL = { "natsmon.test": RUN };
const IMAGE = `natsmon-cli-test/busybox-safe:${RUN.slice(-6)}`;

describe("natsmon restore of an archive that is not there", () => {
  it("says so and exits 2", async () => {
    const result = await runNatsmon(["restore", "/nonexistent/grafana-20260101.tar.gz"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("natsmon: no archive at /nonexistent/grafana-20260101.tar.gz");
  });
});

/** Names and contents of the volume's files (folders and the previous-contents folders left out). */
async function filesOf(docker: Docker, volume: string): Promise<Record<string, string>> {
  const helper = await createHelper(docker, volume, { readOnly: true });
  try {
    const extract = tar.extract();
    ((await helper.getArchive({ path: HELPER_MOUNT })) as unknown as Readable).pipe(extract);
    const files: Record<string, string> = {};
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      const name = entry.header.name.replace(/^volume\//, "");
      if (entry.header.type === "file" && !name.startsWith(".natsmon-previous-")) files[name] = Buffer.concat(chunks).toString("utf8");
    }
    return files;
  } finally {
    await removeHelper(helper);
  }
}

/** Rewrites an archive entry by entry; `change` may alter a header or body, or drop the entry (undefined). */
async function rewriteArchive(
  from: string,
  to: string,
  change: (header: tar.Header, body: Buffer) => { header: tar.Header; body: Buffer } | undefined,
): Promise<void> {
  const extract = tar.extract();
  const pack = tar.pack();
  const writing = pipeline(pack, createGzip(), createWriteStream(to));
  const reading = pipeline(createReadStream(from), createGunzip(), extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    const changed = change(entry.header, Buffer.concat(chunks));
    if (changed) pack.entry({ ...changed.header, size: changed.body.length }, changed.body);
  }
  pack.finalize();
  await Promise.all([reading, writing]);
}

describeWithDockerEngine("natsmon restore never leaves a part worse off (real Docker engine)", () => {
  describeWithTool("busybox", "with parts played by busybox containers", () => {
    const docker = new Docker();
    const outDir = mkdtempSync(join(tmpdir(), "natsmon-cli-safe-"));
    const quiet = new Progress({ write: () => true, isTTY: false } as unknown as NodeJS.WriteStream);
    const volume = `${RUN}-grafana-data`;
    const other = `${RUN}-prometheus-data`;
    const scratch = `${RUN}-scratch-data`;
    const ORIGINAL = { healthy: "the part needs this file to be healthy\n", "dashboards/a.json": '{"title":"original"}\n' };
    let helperImageExisted = false;
    let good: string;
    let otherArchive: string;
    let unhealthy: string;

    const createVolume = (name: string) => docker.createVolume({ Name: name, Labels: TEST_LABEL });
    const fill = async (name: string, files: Record<string, string>) => {
      const pack = tar.pack();
      pack.entry({ name: "volume/", type: "directory", mode: 0o755 });
      for (const [path, body] of Object.entries(files)) pack.entry({ name: `volume/${path}`, mode: 0o644 }, body);
      pack.finalize();
      const helper = await createHelper(docker, name, { readOnly: false });
      try {
        await helper.putArchive(pack as unknown as NodeJS.ReadableStream, { path: "/" });
      } finally {
        await removeHelper(helper);
      }
    };
    /** A part: healthy only while its volume holds the file `healthy`. */
    const startPart = async (name: string, component: string, mounted: string, extra: Partial<Docker.ContainerCreateOptions> = {}) => {
      const container = await docker.createContainer({
        name,
        Image: IMAGE,
        Cmd: ["/bin/sh", "-c", "httpd -p 127.0.0.1:8222 -h /www && exec sleep 3600"],
        Labels: { ...TEST_LABEL, [LABELS.component]: component, [LABELS.project]: RUN },
        StopTimeout: 1,
        Healthcheck: { Test: ["CMD", "test", "-f", "/data/healthy"], Interval: 500_000_000, Timeout: 1_000_000_000, Retries: 1 },
        HostConfig: { NetworkMode: "none", Mounts: [{ Type: "volume", Source: mounted, Target: "/data" }] },
        ...extra,
      } as Docker.ContainerCreateOptions);
      await container.start();
      return container;
    };
    const waitHealthy = async (container: Docker.Container) => {
      for (let i = 0; i < 60; i++) {
        if ((await container.inspect()).State.Health?.Status === "healthy") return;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      throw new Error("the part did not turn healthy");
    };
    const helpersLeft = async () =>
      (await docker.listContainers({ all: true, filters: { label: [LABELS.helper] } })).map((c) => c.Names[0]);
    let part: Docker.Container;

    beforeAll(async () => {
      helperImageExisted = await docker
        .getImage(HELPER_IMAGE)
        .inspect()
        .then(
          () => true,
          () => false,
        );
      await importBusyboxImage(docker, IMAGE, HEALTHY_NODE_FILES);
      for (const name of [volume, other, scratch]) await createVolume(name);
      await fill(volume, ORIGINAL);
      await fill(other, { "prometheus.txt": "another part's data\n" });
      await fill(scratch, { "dashboards/a.json": '{"title":"restored, no health file"}\n' });
      part = await startPart(`${RUN}-grafana`, "grafana", volume);
      await startPart(`${RUN}-prometheus`, "prometheus", other, { Healthcheck: undefined });
      await waitHealthy(part);
      const backup = (volumes: string[]) =>
        backupVolumes(volumes, { outDir, prometheusUrl: "http://127.0.0.1:9", waitTimeoutSeconds: 60, overwrite: false, progress: quiet });
      [{ file: good }, { file: otherArchive }, { file: unhealthy }] = await backup([volume, other, scratch]);
      await waitHealthy(part);
    }, 120_000);

    afterAll(async () => {
      const containers = await docker.listContainers({ all: true, filters: { label: [`natsmon.test=${RUN}`] } });
      await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
      for (const name of [volume, other, scratch])
        await docker
          .getVolume(name)
          .remove()
          .catch(() => undefined);
      await docker
        .getImage(IMAGE)
        .remove()
        .catch(() => undefined);
      if (!helperImageExisted)
        await docker
          .getImage(HELPER_IMAGE)
          .remove()
          .catch(() => undefined);
      rmSync(outDir, { recursive: true, force: true });
    }, 60_000);

    /** The part is as before: its files, running and healthy, not restarted since `startedAt` (when given). */
    const expectUntouched = async (startedAt?: string) => {
      expect(await filesOf(docker, volume)).toEqual(ORIGINAL);
      const state = (await part.inspect()).State;
      expect(state.Running).toBe(true);
      if (startedAt) expect(state.StartedAt).toBe(startedAt);
      await waitHealthy(part);
      expect(await helpersLeft()).toEqual([]);
    };

    it("writes a manifest first: stack, component, volume, counts and checksum", async () => {
      const extract = tar.extract();
      createReadStream(good).pipe(createGunzip()).pipe(extract);
      const first = await extract[Symbol.asyncIterator]().next();
      expect(first.value.header.name).toBe(MANIFEST_NAME);
      const chunks: Buffer[] = [];
      for await (const chunk of first.value) chunks.push(chunk as Buffer);
      extract.destroy();
      const manifest = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      expect(manifest).toMatchObject({
        format: "natsmon-backup/1",
        stack: RUN,
        component: "grafana",
        volume,
        containers: [`${RUN}-grafana`],
        files: 2,
        bytes: ORIGINAL.healthy.length + ORIGINAL["dashboards/a.json"].length,
      });
      expect(manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
    });

    it("refuses a truncated archive before it stops or changes anything", async () => {
      const startedAt = (await part.inspect()).State.StartedAt;
      mkdirSync(join(outDir, "truncated"));
      const truncated = join(outDir, "truncated", archiveName(volume));
      const bytes = readFileSync(good);
      writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.8)));
      await expect(restoreVolume(truncated, volume, { force: true, waitTimeoutSeconds: 30, progress: quiet })).rejects.toThrow(
        /is not a \.tar\.gz archive, or not a whole one/,
      );
      await expectUntouched(startedAt);
    }, 60_000);

    it("refuses an archive whose files do not match its manifest's checksum", async () => {
      const startedAt = (await part.inspect()).State.StartedAt;
      const tampered = join(outDir, "tampered", archiveName(volume));
      mkdirSync(join(outDir, "tampered"));
      await rewriteArchive(good, tampered, (header, body) =>
        header.name === "./dashboards/a.json" ? { header, body: Buffer.from('{"title":"tampered"}\n') } : { header, body },
      );
      await expect(restoreVolume(tampered, volume, { force: true, waitTimeoutSeconds: 30, progress: quiet })).rejects.toThrow(
        /is damaged: its manifest says sha256 [0-9a-f]+, the archive holds sha256 [0-9a-f]+/,
      );
      await expectUntouched(startedAt);
    }, 60_000);

    it("refuses another component's archive unless --allow-mismatch, before it changes anything", async () => {
      const startedAt = (await part.inspect()).State.StartedAt;
      await expect(restoreVolume(otherArchive, volume, { force: true, waitTimeoutSeconds: 30, progress: quiet })).rejects.toThrow(
        new RegExp(`is an archive of another part: volume ${other}, not ${volume}, component prometheus, not grafana`),
      );
      await expectUntouched(startedAt);
    }, 60_000);

    it("refuses an archive without a manifest unless --allow-mismatch, and then restores it with a warning", async () => {
      const legacy = join(outDir, "legacy", archiveName(scratch));
      mkdirSync(join(outDir, "legacy"));
      await rewriteArchive(good, legacy, (header, body) => (header.name === MANIFEST_NAME ? undefined : { header, body }));
      const startedAt = (await part.inspect()).State.StartedAt;
      await expect(restoreVolume(legacy, volume, { force: true, waitTimeoutSeconds: 30, progress: quiet })).rejects.toMatchObject({
        message: expect.stringMatching(/has no manifest .*: nothing says which volume it came from/),
        fix: expect.stringContaining("pass --allow-mismatch"),
      });
      await expectUntouched(startedAt);
      const said: string[] = [];
      const progress = new Progress({ write: (text: string) => said.push(text), isTTY: false } as unknown as NodeJS.WriteStream);
      const outcome = await restoreVolume(legacy, volume, { force: true, allowMismatch: true, waitTimeoutSeconds: 30, progress });
      expect(said.join("")).toContain("warning: the archive has no manifest");
      expect(await filesOf(docker, volume)).toEqual(ORIGINAL);
      expect(outcome.previous?.discard).toContain(
        `docker run --rm --user 0:0 -v ${volume}:/volume --entrypoint rm ${IMAGE} -rf /volume/.natsmon-previous-`,
      );
    }, 60_000);

    it("undoes a restore whose part does not turn healthy: previous contents back, part running", async () => {
      await expect(
        restoreVolume(unhealthy, volume, { force: true, allowMismatch: true, waitTimeoutSeconds: 5, progress: quiet }),
      ).rejects.toThrow(
        /did not complete \(.*did not turn healthy within 5 s.*\); the previous contents are back in place and .* run again/,
      );
      await expectUntouched();
    }, 90_000);

    it("Ctrl-C while the restored part starts: previous contents back, part running, no helper left, exit 130", async () => {
      const run = startNatsmon(["restore", unhealthy, "--volume", volume, "--force", "--allow-mismatch", "--wait-timeout", "120"]);
      await run.waitForStderr("waiting until it is healthy", 60_000);
      run.kill("SIGINT");
      const result = await run.done;
      expect(result.code, result.stderr).toBe(130);
      expect(result.stderr).toContain("SIGINT: stopping;");
      expect(result.stderr).toMatch(/interrupted by SIGINT\); the previous contents are back in place and .* run again/);
      await expectUntouched();
    }, 120_000);

    it("Ctrl-C during a backup: the stopped part runs again, no helper and no partial archive left, exit 130", async () => {
      const out = join(outDir, "interrupted");
      const run = startNatsmon(["backup", "--volume", volume, "--out", out]);
      await run.waitForStderr(`stopping ${RUN}-grafana`, 60_000);
      run.kill("SIGINT");
      const result = await run.done;
      expect(result.code, result.stderr).toBe(130);
      expect(result.stderr).toContain("every container it stopped runs again, no helper container is left");
      expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
      await expectUntouched();
    }, 120_000);

    describe("a JetStream cluster played by two nodes", () => {
      const nodeVolume = `${RUN}-nats-node1-data`;
      const nodeFiles = { healthy: "yes\n", "jetstream/meta.inf": "node 1\n" };
      let node: Docker.Container;
      let nodeArchive: string;
      /** The other node; its monitoring port serves `www` (healthy, current, a leader) or `www-behind` (no meta leader). */
      const startPeer = async (www: "www" | "www-behind") => {
        await docker
          .getContainer(`${RUN}-nats-node2`)
          .remove({ force: true })
          .catch(() => undefined);
        return startPart(`${RUN}-nats-node2`, "nats", scratch, {
          Cmd: ["/bin/sh", "-c", `httpd -p 127.0.0.1:8222 -h /${www} && exec sleep 3600`],
          Healthcheck: undefined,
        });
      };

      beforeAll(async () => {
        await createVolume(nodeVolume);
        await fill(nodeVolume, nodeFiles);
        node = await startPart(`${RUN}-nats-node1`, "nats", nodeVolume);
        await waitHealthy(node);
        // Alone in its cluster: no other node to check.
        [{ file: nodeArchive }] = await backupVolumes([nodeVolume], {
          outDir: join(outDir, "nodes"),
          prometheusUrl: "http://127.0.0.1:9",
          waitTimeoutSeconds: 60,
          overwrite: false,
          progress: quiet,
        });
        await waitHealthy(node);
        await startPeer("www-behind");
      }, 120_000);

      afterAll(async () => {
        await docker
          .getContainer(`${RUN}-nats-node1`)
          .remove({ force: true })
          .catch(() => undefined);
        await docker
          .getVolume(nodeVolume)
          .remove({ force: true })
          .catch(() => undefined);
      }, 60_000);

      it("backup does not stop a node while another node is behind (no meta leader in its /jsz)", async () => {
        const startedAt = (await node.inspect()).State.StartedAt;
        await expect(
          backupVolumes([nodeVolume], {
            outDir: join(outDir, "refused"),
            prometheusUrl: "http://127.0.0.1:9",
            waitTimeoutSeconds: 60,
            overwrite: false,
            progress: quiet,
          }),
        ).rejects.toThrow(
          new RegExp(`not stopping ${RUN}-nats-node1: another node is unhealthy or behind.*${RUN}-nats-node2: /jsz shows no meta leader`),
        );
        expect((await node.inspect()).State.StartedAt).toBe(startedAt);
        expect(existsSync(join(outDir, "refused", archiveName(nodeVolume)))).toBe(false);
      }, 60_000);

      it("restore of one node checks the cluster's quorum first: refused while another node is behind or down", async () => {
        const startedAt = (await node.inspect()).State.StartedAt;
        await expect(restoreVolume(nodeArchive, nodeVolume, { force: true, waitTimeoutSeconds: 30, progress: quiet })).rejects.toThrow(
          new RegExp(`not restoring ${RUN}-nats-node1: .*${RUN}-nats-node2: /jsz shows no meta leader`),
        );
        await docker.getContainer(`${RUN}-nats-node2`).stop({ t: 1 });
        await expect(restoreVolume(nodeArchive, nodeVolume, { force: true, waitTimeoutSeconds: 30, progress: quiet })).rejects.toThrow(
          new RegExp(`${RUN}-nats-node2: it is not running`),
        );
        expect((await node.inspect()).State.StartedAt).toBe(startedAt);
        expect(await filesOf(docker, nodeVolume)).toEqual(nodeFiles);
      }, 60_000);

      it("backup and restore do not stop a node whose meta group has servers this engine does not hold (other hosts)", async () => {
        await startPeer("www");
        const volume = `${RUN}-nats-node3-data`;
        await createVolume(volume);
        await fill(volume, { healthy: "yes\n" });
        const elsewhere = await startPart(`${RUN}-nats-node3`, "nats", volume, {
          Cmd: ["/bin/sh", "-c", "httpd -p 127.0.0.1:8222 -h /www-elsewhere && exec sleep 3600"],
        });
        try {
          await waitHealthy(elsewhere);
          const startedAt = (await elsewhere.inspect()).State.StartedAt;
          await expect(
            backupVolumes([volume], {
              outDir: join(outDir, "elsewhere"),
              prometheusUrl: "http://127.0.0.1:9",
              waitTimeoutSeconds: 30,
              overwrite: false,
              progress: quiet,
            }),
          ).rejects.toThrow(`not stopping ${RUN}-nats-node3: its JetStream cluster has 5 servers and this Docker engine holds 3 of them`);
          await expect(
            restoreVolume(nodeArchive, volume, { force: true, allowMismatch: true, waitTimeoutSeconds: 30, progress: quiet }),
          ).rejects.toThrow(`not restoring ${RUN}-nats-node3: its JetStream cluster has 5 servers`);
          expect((await elsewhere.inspect()).State.StartedAt).toBe(startedAt);
          expect(existsSync(join(outDir, "elsewhere", archiveName(volume)))).toBe(false);
        } finally {
          await elsewhere.remove({ force: true });
          await docker
            .getVolume(volume)
            .remove({ force: true })
            .catch(() => undefined);
        }
      }, 90_000);

      it("with the other node healthy and current, the node is restored and waited for until current", async () => {
        await startPeer("www");
        const said: string[] = [];
        const progress = new Progress({ write: (text: string) => said.push(text), isTTY: false } as unknown as NodeJS.WriteStream);
        await restoreVolume(nodeArchive, nodeVolume, { force: true, waitTimeoutSeconds: 30, progress });
        const steps = said.join("");
        expect(steps).toContain("the other nodes are healthy and current; meta leader fake-leader");
        expect(steps).toContain(`${RUN}-nats-node1: JetStream is current (meta leader fake-leader)`);
        expect(await filesOf(docker, nodeVolume)).toEqual(nodeFiles);
        expect((await node.inspect()).State.Health?.Status).toBe("healthy");
      }, 90_000);
    });
  });
});

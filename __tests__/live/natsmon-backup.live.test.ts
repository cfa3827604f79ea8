import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { type JetStreamClient, jetstream, jetstreamManager, StorageType } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import tar from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archiveName } from "../../cli/backup/archive-names.js";
import { createHelper, HELPER_IMAGE, HELPER_MOUNT, LABELS, removeHelper } from "../../cli/backup/docker-engine.js";
import { MANIFEST_NAME } from "../../cli/backup/manifest.js";
import { runNatsmon, startNatsmon } from "../cli/helpers/run-natsmon.js";
import { labelsOf, type Plan } from "../helpers/plan.js";
import { type LiveNode, natsNodesOf, synthLivePlan } from "./live-plan.js";
import { appLogin, connectToNodes, publishUntilAcked, readStream, streamOnServer } from "./nats-client.js";
import { PlanReplayer } from "./plan-replayer.js";
import { docker, requireTestbed, TESTBED_IMAGES } from "./testbed.js";
import { getJson, sleep, waitFor } from "./wait.js";

const STREAM = "NATSMON_BACKUP";
const natsmon = (args: string[]) => runNatsmon(args, 480_000);

async function entryNames(source: Readable): Promise<string[]> {
  const extract = tar.extract();
  source.pipe(extract);
  const names: string[] = [];
  for await (const entry of extract) {
    names.push(entry.header.name);
    entry.resume();
  }
  return names;
}

/**
 * `natsmon backup` and `restore` on the stack's NATS cluster and Prometheus,
 * created exactly as the plan says: Prometheus through a TSDB snapshot (the
 * plan opts into the admin API, which is off by default), the JetStream nodes one
 * at a time through lame duck mode, while an R3 stream keeps taking
 * messages; then a node's archive is put back with --force.
 */
describe("natsmon backup and restore of the replayed stack's volumes", () => {
  let plan: Plan;
  let nodes: LiveNode[];
  let replayer: PlanReplayer;
  let nc: NatsConnection | undefined;
  let js: JetStreamClient;
  let outDir: string;
  let prometheusVolume: string;
  const acked = new Set<string>();
  let helperImageExisted = true;

  beforeAll(async () => {
    await requireTestbed();
    helperImageExisted = await docker
      .getImage(HELPER_IMAGE)
      .inspect()
      .then(
        () => true,
        () => false,
      );
    // The snapshot path needs the admin API, which is off by default.
    plan = synthLivePlan({ prometheus: { adminApi: true } });
    nodes = natsNodesOf(plan);
    const prometheus = Object.values(plan.resource.docker_container).find((c) => labelsOf(c)["natsmon.component"] === "prometheus")!;
    // The mount names the volume by reference: ${docker_volume.<id>.name}.
    const reference = (prometheus.volumes as { volume_name: string; container_path: string }[]).find(
      (v) => v.container_path === "/prometheus",
    )!.volume_name;
    const volumeId = /^\$\{docker_volume\.([^.]+)\.name\}$/.exec(reference)?.[1];
    prometheusVolume = volumeId ? (plan.resource.docker_volume[volumeId].name as string) : reference;
    replayer = await PlanReplayer.start(docker, plan, TESTBED_IMAGES);
    await replayer.apply([...nodes.map((node) => node.name), prometheus.name as string]);
    nc = await connectToNodes(nodes, await appLogin(replayer));
    await (await jetstreamManager(nc)).streams.add({
      name: STREAM,
      subjects: ["natsmon.backup.>"],
      num_replicas: 3,
      storage: StorageType.File,
    });
    js = jetstream(nc);
    for (let i = 0; i < 50; i++) {
      const id = `before-${i}`;
      await publishUntilAcked(js, "natsmon.backup.before", id);
      acked.add(id);
    }
    outDir = mkdtempSync(join(tmpdir(), "natsmon-cli-live-backups-"));
    // A TSDB with samples, so that the snapshot holds a block.
    await waitFor(
      "Prometheus to store its first samples",
      async () => ((await getJson("http://127.0.0.1:9090/api/v1/query?query=up")).data.result.length > 0 ? true : undefined),
      { timeoutMs: 120_000, intervalMs: 1_000 },
    );
  });

  afterAll(async () => {
    await nc?.close();
    await replayer?.cleanup();
    // natsmon imported its helper image; leave the engine as the test found it.
    if (!helperImageExisted)
      await docker
        .getImage(HELPER_IMAGE)
        .remove()
        .catch(() => undefined);
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it("backs up Prometheus through a snapshot and the JetStream nodes one at a time, the stream taking messages throughout", async () => {
    // While the backup runs: a publisher, and a watch on how many nodes run.
    let stop = false;
    let fewestRunning = nodes.length;
    const publishing = (async () => {
      for (let i = 0; !stop; i++) {
        const id = `during-${i}`;
        await publishUntilAcked(js, "natsmon.backup.during", id, 120_000);
        acked.add(id);
        await sleep(200);
      }
    })();
    const watching = (async () => {
      while (!stop) {
        const running = await Promise.all(nodes.map(async (node) => (await docker.getContainer(node.name).inspect()).State.Running));
        fewestRunning = Math.min(fewestRunning, running.filter(Boolean).length);
        await sleep(250);
      }
    })();

    const volumes = [prometheusVolume, ...nodes.map((node) => `${node.name}-data`)];
    const result = await natsmon([
      "backup",
      ...volumes.flatMap((volume) => ["--volume", volume]),
      "--out",
      outDir,
      "--prometheus-url",
      "http://127.0.0.1:9090",
    ]);
    stop = true;
    await Promise.all([publishing, watching]);

    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`(${prometheusVolume}, snapshot,`);
    for (const node of nodes) expect(result.stdout).toContain(`(${node.name}-data, stopped,`);
    expect(result.stderr).toContain("lame duck mode");
    expect(result.stderr).toContain("JetStream is current");
    // One node at a time: never fewer than two running, and each was down once.
    expect(fewestRunning).toBe(nodes.length - 1);

    // Every message acknowledged before and during the backup is in the stream.
    const stored = await readStream(nc!, STREAM, acked.size);
    expect(new Set(stored.values())).toEqual(acked);

    // The Prometheus archive is the snapshot: blocks, no write-ahead log.
    const promNames = await entryNames(createReadStream(join(outDir, archiveName(prometheusVolume))).pipe(createGunzip()));
    // The manifest first, then the TSDB's entries, relative.
    expect(promNames[0]).toBe(MANIFEST_NAME);
    expect(promNames[1]).toBe("./");
    expect(
      promNames.some((name) => name.endsWith("/meta.json")),
      promNames.join(" "),
    ).toBe(true);
    expect(promNames.some((name) => name.startsWith("./wal/"))).toBe(false);
    // ... and the snapshot was removed from the volume afterwards.
    const helper = await createHelper(docker, prometheusVolume, { readOnly: true });
    try {
      const inVolume = await entryNames((await helper.getArchive({ path: HELPER_MOUNT })) as unknown as Readable);
      expect(inVolume.filter((name) => /^volume\/snapshots\/.+/.test(name))).toEqual([]);
    } finally {
      await removeHelper(helper);
    }
    const natsNames = await entryNames(createReadStream(join(outDir, archiveName(`${nodes[0].name}-data`))).pipe(createGunzip()));
    expect(natsNames.some((name) => name.startsWith("./jetstream/"))).toBe(true);
  }, 600_000);

  it("restores a node's archive only with --force, and the node comes back with the stream", async () => {
    const node = nodes[2];
    const archive = join(outDir, archiveName(`${node.name}-data`));
    const refused = await natsmon(["restore", archive]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${node.name}-data is not empty`);

    const restored = await natsmon(["restore", archive, "--force", "--wait-timeout", "180"]);
    expect(restored.code, restored.stderr).toBe(0);
    // The whole archive is checked first, the other nodes too; the node's current contents are kept aside.
    expect(restored.stderr).toMatch(/archive is whole: \d+ files, .* as its manifest says/);
    expect(restored.stderr).toContain("the other nodes are healthy and current; meta leader");
    expect(restored.stderr).toContain(`moved its current contents aside, into ${node.name}-data:/.natsmon-previous-`);
    expect(restored.stderr).toContain(`${node.name}: JetStream is current`);
    expect(restored.stdout).toMatch(
      new RegExp(
        `its previous contents are kept in ${node.name}-data:/\\.natsmon-previous-\\S+; once the part is fine, delete them:\n  docker run --rm`,
      ),
    );
    expect((await docker.getContainer(node.name).inspect()).State.Health?.Status).toBe("healthy");
    // The node rejoins and holds the whole stream again.
    await waitFor(
      `${node.name} to hold all ${acked.size} messages`,
      async () => ((await streamOnServer(node, STREAM))?.messages === acked.size ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  }, 600_000);

  /** A file put into a node's volume now: no archive holds it, so it shows that the volume's own contents survived. */
  const plantMarker = async (volume: string, text: string) => {
    const pack = tar.pack();
    pack.entry({ name: "volume/natsmon-live-marker.txt", mode: 0o644 }, text);
    pack.finalize();
    const helper = await createHelper(docker, volume, { readOnly: false });
    try {
      await helper.putArchive(pack as unknown as NodeJS.ReadableStream, { path: "/" });
    } finally {
      await removeHelper(helper);
    }
  };
  const volumeNames = async (volume: string) => {
    const helper = await createHelper(docker, volume, { readOnly: true });
    try {
      return await entryNames((await helper.getArchive({ path: HELPER_MOUNT })) as unknown as Readable);
    } finally {
      await removeHelper(helper);
    }
  };
  const helpersLeft = async () => (await docker.listContainers({ all: true, filters: { label: [LABELS.helper] } })).map((c) => c.Names[0]);
  /** The node kept its own data and runs healthy, holding every acknowledged message; optionally never restarted. */
  const expectNodeIntact = async (node: LiveNode, startedAt?: string) => {
    expect(await volumeNames(`${node.name}-data`)).toContain("volume/natsmon-live-marker.txt");
    const state = (await docker.getContainer(node.name).inspect()).State;
    expect(state.Running).toBe(true);
    if (startedAt) expect(state.StartedAt).toBe(startedAt);
    await waitFor(
      `${node.name} to be healthy`,
      async () => ((await docker.getContainer(node.name).inspect()).State.Health?.Status === "healthy" ? true : undefined),
      {
        timeoutMs: 120_000,
        intervalMs: 1_000,
      },
    );
    await waitFor(
      `${node.name} to hold all ${acked.size} messages`,
      async () => ((await streamOnServer(node, STREAM))?.messages === acked.size ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(await helpersLeft()).toEqual([]);
  };

  it("a truncated archive is refused before anything changes: the node keeps its data and keeps running", async () => {
    const node = nodes[0];
    await plantMarker(`${node.name}-data`, "truncated-archive test");
    const startedAt = (await docker.getContainer(node.name).inspect()).State.StartedAt;
    const whole = readFileSync(join(outDir, archiveName(`${node.name}-data`)));
    mkdirSync(join(outDir, "truncated"));
    const truncated = join(outDir, "truncated", archiveName(`${node.name}-data`));
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    const result = await natsmon(["restore", truncated, "--force"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("is not a .tar.gz archive, or not a whole one");
    await expectNodeIntact(node, startedAt);
  }, 300_000);

  it("an archive of another component (Prometheus's) is refused for a NATS node's volume: data kept, node running", async () => {
    const node = nodes[0];
    const startedAt = (await docker.getContainer(node.name).inspect()).State.StartedAt;
    const result = await natsmon(["restore", join(outDir, archiveName(prometheusVolume)), "--volume", `${node.name}-data`, "--force"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `is an archive of another part: volume ${prometheusVolume}, not ${node.name}-data, component prometheus, not nats`,
    );
    expect(result.stderr).toContain("--allow-mismatch");
    await expectNodeIntact(node, startedAt);
  }, 300_000);

  it("a restore interrupted by Ctrl-C puts the node's own data back and starts it again", async () => {
    const node = nodes[1];
    await plantMarker(`${node.name}-data`, "interrupted-restore test");
    const run = startNatsmon(["restore", join(outDir, archiveName(`${node.name}-data`)), "--force", "--wait-timeout", "180"], 480_000);
    // Interrupted once the archive is in the volume and the node starts on it: the latest point to undo.
    await run.waitForStderr(`starting ${node.name}, waiting until it is healthy`, 300_000);
    run.kill("SIGINT");
    const result = await run.done;
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain("previous contents back in place (from .natsmon-previous-");
    expect(result.stderr).toMatch(
      new RegExp(`interrupted by SIGINT\\); the previous contents are back in place and ${node.name} run again`),
    );
    await expectNodeIntact(node);
  }, 600_000);

  it("restores a whole cluster from one backup run: every node stops, is restored and starts together; the stream is back on all three", async () => {
    // A quiet backup run: nothing is published meanwhile, so the archives hold exactly `acked`.
    const runDir = join(outDir, "cluster");
    const volumes = nodes.map((node) => `${node.name}-data`);
    const backup = await natsmon(["backup", ...volumes.flatMap((volume) => ["--volume", volume]), "--out", runDir]);
    expect(backup.code, backup.stderr).toBe(0);
    const jsm = await jetstreamManager(nc!);
    await jsm.streams.delete(STREAM);
    for (const node of nodes) {
      await waitFor(
        `${STREAM} to be gone from ${node.name}`,
        async () => ((await streamOnServer(node, STREAM)) === undefined ? true : undefined),
        {
          timeoutMs: 30_000,
          intervalMs: 500,
        },
      );
    }
    const archives = volumes.map((volume) => join(runDir, archiveName(volume)));
    // Without every node's archive it refuses: the left-out node would keep newer state.
    const partial = await natsmon(["restore", "--cluster", ...archives.slice(0, 2), "--force"]);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain(`the cluster also has ${nodes[2].name}, which no archive covers`);

    const running: boolean[][] = [];
    let stop = false;
    const watching = (async () => {
      while (!stop) {
        running.push(await Promise.all(nodes.map(async (node) => (await docker.getContainer(node.name).inspect()).State.Running)));
        await sleep(250);
      }
    })();
    const result = await natsmon(["restore", "--cluster", ...archives, "--force", "--wait-timeout", "240"]);
    stop = true;
    await watching;
    expect(result.code, result.stderr).toBe(0);
    // All three were down at once (restored together), and all run now.
    expect(running.some((sample) => sample.every((up) => !up))).toBe(true);
    for (const [index, node] of nodes.entries()) {
      // The archive paths as named when they were written: asking archiveName again could cross midnight.
      expect(result.stdout).toContain(`${node.name}-data restored from ${archives[index]}`);
      expect((await docker.getContainer(node.name).inspect()).State.Health?.Status).toBe("healthy");
      await waitFor(
        `${node.name} to hold the restored stream's ${acked.size} messages`,
        async () => ((await streamOnServer(node, STREAM))?.messages === acked.size ? true : undefined),
        { timeoutMs: 120_000, intervalMs: 500 },
      );
    }
    const stored = await readStream(nc!, STREAM, acked.size);
    expect(new Set(stored.values())).toEqual(acked);
    expect(await helpersLeft()).toEqual([]);
  }, 900_000);
});

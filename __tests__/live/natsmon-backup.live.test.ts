import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { type JetStreamClient, jetstream, jetstreamManager, StorageType } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import tar from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archiveName } from "../../cli/backup/archive-names.js";
import { createHelper, HELPER_IMAGE, HELPER_MOUNT, removeHelper } from "../../cli/backup/docker-engine.js";
import { runNatsmon } from "../cli/helpers/run-natsmon.js";
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
    expect(promNames[0]).toBe("./");
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
    expect(restored.stderr).toContain("emptying the volume (--force)");
    expect((await docker.getContainer(node.name).inspect()).State.Health?.Status).toBe("healthy");
    // The node rejoins and holds the whole stream again.
    await waitFor(
      `${node.name} to hold all ${acked.size} messages`,
      async () => ((await streamOnServer(node, STREAM))?.messages === acked.size ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  }, 600_000);
});

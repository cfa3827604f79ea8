/**
 * `npm run bench`: synth speed and plan size, as medians over repeated runs.
 *
 * - the app's own start-up: cdktf.json's app command on the default stack next
 *   to the same command on an empty cdktf app (budget: 150 ms more), see startup.ts;
 * - in-process synth of the default stack (target: <= 100 ms on 2 cores);
 *   and, for comparison, `npx tsx main.ts` (how the app ran before it was bundled);
 * - wall time of `npx cdktf synth`, next to the same command on an empty cdktf app;
 * - synth time and plan size for clusters of 3, 7 and 15 nodes, to show that
 *   both grow no faster than the configuration does.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { App, Testing } from "cdktf";
import { NatsMonitoringStack, type NatsMonitoringStackProps } from "../../index.js";
import { emptyAppCommand, formatStartup, measureStartup, readCdktfJson } from "./startup.js";

const IN_PROCESS_RUNS = Number(process.env.BENCH_RUNS ?? 25);
const WALL_RUNS = Number(process.env.BENCH_WALL_RUNS ?? 5);
const STARTUP_RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 15);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Builds and synthesizes one stack to disk, as `cdktf synth` does; returns ms and the plan's size. */
function synthOnce(props: NatsMonitoringStackProps, outdir: string): { ms: number; bytes: number } {
  const start = performance.now();
  const app = new App({ outdir, skipValidation: false });
  const stack = new NatsMonitoringStack(app, "bench", props);
  app.synth();
  const ms = performance.now() - start;
  return { ms, bytes: Buffer.byteLength(Testing.synth(stack)) };
}

function inProcess(props: NatsMonitoringStackProps, runs: number): { ms: number; bytes: number } {
  const outdir = mkdtempSync(join(tmpdir(), "natsmon-bench-"));
  try {
    // Warm-up: module loading and JIT are not synth.
    for (let i = 0; i < 3; i++) synthOnce(props, outdir);
    const samples = Array.from({ length: runs }, () => synthOnce(props, outdir));
    return { ms: median(samples.map((s) => s.ms)), bytes: samples[0].bytes };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function wallTime(command: string, args: string[], runs: number): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const outdir = mkdtempSync(join(tmpdir(), "natsmon-bench-wall-"));
    const start = performance.now();
    const result = spawnSync(command, args, {
      encoding: "utf8",
      env: { ...process.env, CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: outdir },
    });
    samples.push(performance.now() - start);
    rmSync(outdir, { recursive: true, force: true });
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stderr}`);
  }
  return median(samples);
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
// Wall times on a shared machine move with its load: print it next to them.
const load = () => `load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`;

console.log(`node ${process.version}, ${load()}\n`);
for (const line of formatStartup(measureStartup(STARTUP_RUNS))) console.log(line);
// The way the app ran before it was bundled, for comparison.
for (const line of formatStartup(measureStartup(STARTUP_RUNS, 3, "npx tsx main.ts"))) console.log(line);
console.log(`${load()}\n`);

const defaultStack = inProcess({}, IN_PROCESS_RUNS);
console.log(`in-process synth: ${Math.round(defaultStack.ms)} ms (median of ${IN_PROCESS_RUNS}, default stack, target <= 100 ms)`);

console.log(`\ncluster size   synth (median of ${IN_PROCESS_RUNS})   plan size   per node added to 3 nodes`);
const sizes = [3, 7, 15].map((nodes) => ({ nodes, ...inProcess({ nats: { nodes } }, IN_PROCESS_RUNS) }));
const [smallest] = sizes;
for (const { nodes, ms, bytes } of sizes) {
  const added = nodes - smallest.nodes;
  const growth =
    added === 0 ? "-" : `${((ms - smallest.ms) / added).toFixed(1)} ms, ${((bytes - smallest.bytes) / 1024 / added).toFixed(1)} KiB`;
  console.log(
    `  ${String(nodes).padStart(2)} nodes    ${fmt(ms).padStart(10)}            ${`${(bytes / 1024).toFixed(1)} KiB`.padStart(10)}   ${growth}`,
  );
}

console.log(`\nwall time, median of ${WALL_RUNS}      this project    empty cdktf stack (floor)`);
const cliOut = mkdtempSync(join(tmpdir(), "natsmon-bench-cli-"));
const cdktfMain = wallTime("npx", ["cdktf", "synth", "--output", cliOut], WALL_RUNS);
const cdktfEmpty = wallTime("npx", ["cdktf", "synth", "--output", cliOut, "--app", emptyAppCommand(readCdktfJson().app)], WALL_RUNS);
rmSync(cliOut, { recursive: true, force: true });
console.log(`  npx cdktf synth              ${fmt(cdktfMain).padStart(10)}    ${fmt(cdktfEmpty).padStart(10)}`);
console.log(`\nnode ${process.version}, ${load()}`);

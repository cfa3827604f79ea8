/**
 * The stack's own start-up cost: the wall time of cdktf.json's app command on
 * the default stack, minus the same command on an empty cdktf app (Node and
 * cdktf starting, nothing of ours). Users pay the difference on every
 * `cdktf synth/diff/deploy`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

/** The start-up budget of issue 11: our app may cost at most this much over an empty one. */
export const STARTUP_BUDGET_MS = 150;

/** The empty cdktf app that stands in for main.ts. */
export const EMPTY_APP = "scripts/bench/empty-app.ts";

/** What cdktf.json says: the app command and the context the CLI hands to it. */
export function readCdktfJson(path = "cdktf.json"): { app: string; context: Record<string, unknown> } {
  const json = JSON.parse(readFileSync(path, "utf8")) as { app?: unknown; context?: Record<string, unknown> };
  if (typeof json.app !== "string") throw new Error(`${path} has no "app" command`);
  return { app: json.app, context: json.context ?? {} };
}

/** The same command with the empty app in place of main.ts. */
export function emptyAppCommand(app: string): string {
  const words = app.split(" ");
  const at = words.indexOf("main.ts");
  if (at < 0 || words.indexOf("main.ts", at + 1) >= 0) {
    throw new Error(`cannot run the empty app the same way: the app command must name main.ts once, got "${app}"`);
  }
  words[at] = EMPTY_APP;
  return words.join(" ");
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * CPU seconds (user + system) used so far by this process's finished
 * children, from /proc (Linux; undefined elsewhere). Unlike wall time, it
 * hardly moves when other work shares the machine.
 */
function childrenCpuMs(): number | undefined {
  if (!existsSync("/proc/self/stat")) return undefined;
  // Fields after the command name, which is in parentheses and may hold spaces;
  // cutime and cstime are fields 16 and 17, in clock ticks (USER_HZ, 100 on Linux).
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

interface Sample {
  readonly wallMs: number;
  readonly cpuMs?: number;
}

/**
 * One run of `command` through a shell, with the environment `cdktf synth`
 * gives the app (see @cdktf/cli-core synth-stack.js), into a fresh outdir.
 */
function runOnce(command: string, context: Record<string, unknown>): Sample {
  const outdir = mkdtempSync(join(tmpdir(), "natsmon-bench-startup-"));
  try {
    const cpuBefore = childrenCpuMs();
    const start = performance.now();
    const result = spawnSync(command, {
      shell: true,
      encoding: "utf8",
      env: {
        ...process.env,
        CHECKPOINT_DISABLE: "1",
        NODE_OPTIONS: process.env.NODE_OPTIONS ?? "--max-old-space-size=4096",
        CDKTF_OUTDIR: outdir,
        CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true",
        CDKTF_CONTEXT_JSON: JSON.stringify({ ...context, cdktfRelativeModules: [] }),
        SYNTH_HCL_OUTPUT: "false",
      },
    });
    const wallMs = performance.now() - start;
    const cpuAfter = childrenCpuMs();
    if (result.status !== 0) throw new Error(`${command} failed (${result.status ?? result.signal}):\n${result.stderr}`);
    return cpuBefore === undefined || cpuAfter === undefined ? { wallMs } : { wallMs, cpuMs: cpuAfter - cpuBefore };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export interface StartupFigures {
  readonly app: string;
  readonly emptyApp: string;
  /** Median wall time of the app command on the default stack, ms. */
  readonly appMs: number;
  /** Median wall time of the same command on the empty app, ms. */
  readonly emptyMs: number;
  /** Median CPU time (user + system, the command and its children) of each, ms; absent off Linux. */
  readonly cpu?: { readonly appMs: number; readonly emptyMs: number };
  readonly runs: number;
}

/**
 * Medians over `runs` runs of each command, after `warmups` runs of each
 * (which also build the app's bundle and fill Node's compile cache, as the
 * user's first synth does). The two commands alternate, so a change in the
 * machine's load during the measurement weighs on both alike. `appCommand`
 * replaces cdktf.json's command, e.g. to compare with `npx tsx main.ts`.
 */
export function measureStartup(runs: number, warmups = 3, appCommand?: string): StartupFigures {
  const { app: configured, context } = readCdktfJson();
  const app = appCommand ?? configured;
  const emptyApp = emptyAppCommand(app);
  for (let i = 0; i < warmups; i++) {
    runOnce(app, context);
    runOnce(emptyApp, context);
  }
  const appSamples: Sample[] = [];
  const emptySamples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    appSamples.push(runOnce(app, context));
    emptySamples.push(runOnce(emptyApp, context));
  }
  const wall = (samples: Sample[]) => median(samples.map((s) => s.wallMs));
  const cpu = (samples: Sample[]) => median(samples.map((s) => s.cpuMs ?? Number.NaN));
  const cpuKnown = [...appSamples, ...emptySamples].every((s) => s.cpuMs !== undefined);
  return {
    app,
    emptyApp,
    appMs: wall(appSamples),
    emptyMs: wall(emptySamples),
    ...(cpuKnown ? { cpu: { appMs: cpu(appSamples), emptyMs: cpu(emptySamples) } } : {}),
    runs,
  };
}

/** The report lines: both wall times, their difference and the verdict against the budget. */
export function formatStartup(figures: StartupFigures): string[] {
  const difference = figures.appMs - figures.emptyMs;
  const verdict =
    difference <= STARTUP_BUDGET_MS
      ? `within the ${STARTUP_BUDGET_MS} ms budget`
      : `OVER the ${STARTUP_BUDGET_MS} ms budget by ${(difference - STARTUP_BUDGET_MS).toFixed(1)} ms`;
  const ms = (value: number) => `${value.toFixed(1)} ms`.padStart(10);
  const cpu = figures.cpu;
  const cpuColumn = (value: number | undefined) => (cpu === undefined || value === undefined ? "" : `   ${ms(value)}`);
  return [
    `start-up of "${figures.app}", median of ${figures.runs} after warm-up`,
    `                                          wall time${cpu === undefined ? "" : "     cpu time"}`,
    `  default stack                          ${ms(figures.appMs)}${cpuColumn(cpu?.appMs)}`,
    `  empty cdktf app, run the same way      ${ms(figures.emptyMs)}${cpuColumn(cpu?.emptyMs)}   (${EMPTY_APP})`,
    `  difference: the stack's own start-up   ${ms(difference)}${cpuColumn(cpu && cpu.appMs - cpu.emptyMs)}   ${verdict}`,
  ];
}

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** What a run of the CLI printed and how it ended. */
export interface NatsmonRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/**
 * Runs the real CLI as users do (`tsx cli/natsmon.ts ...`) in a subprocess,
 * without colours and without the NATSMON_* settings of whoever runs the
 * tests, and measures it. A CLI that hangs is killed after `killAfterMs`:
 * that is the failure this guards against.
 */
export function runNatsmon(args: readonly string[], killAfterMs = 60_000): Promise<NatsmonRun> {
  const started = performance.now();
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("NATSMON_")));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "cli/natsmon.ts", ...args], { cwd: ROOT, env: { ...env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const guard = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 });
    });
  });
}

/** A run of the CLI in progress, for tests that interrupt it. */
export interface NatsmonProcess {
  /** Resolves once stderr holds `text`; rejects when the run ends first or after `timeoutMs`. */
  waitForStderr(text: string, timeoutMs: number): Promise<void>;
  /** Sends a signal to the natsmon process (the node process itself, as a terminal's Ctrl-C would). */
  kill(signal: NodeJS.Signals): void;
  /** How it ended. */
  readonly done: Promise<NatsmonRun>;
}

/** Starts the real CLI like {@link runNatsmon}, without waiting for it. */
export function startNatsmon(args: readonly string[], killAfterMs = 300_000): NatsmonProcess {
  const started = performance.now();
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("NATSMON_")));
  const child = spawn(process.execPath, ["--import", "tsx", "cli/natsmon.ts", ...args], { cwd: ROOT, env: { ...env, NO_COLOR: "1" } });
  let stdout = "";
  let stderr = "";
  const listeners = new Set<() => void>();
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
    for (const listener of listeners) listener();
  });
  const guard = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
  const done = new Promise<NatsmonRun>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(guard);
      for (const listener of listeners) listener();
      resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 });
    });
  });
  return {
    done,
    kill: (signal) => child.kill(signal),
    waitForStderr: (text, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => finish(new Error(`natsmon did not print "${text}" within ${timeoutMs} ms; stderr:\n${stderr}`)),
          timeoutMs,
        );
        const finish = (error?: Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve();
        };
        const check = () => {
          if (stderr.includes(text)) finish();
          else if (child.exitCode !== null || child.signalCode !== null)
            finish(new Error(`natsmon ended before it printed "${text}"; stderr:\n${stderr}`));
        };
        listeners.add(check);
        check();
      }),
  };
}

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

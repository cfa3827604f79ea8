/**
 * Runs the default app (what main.ts runs) once per cdktf.json context read
 * from stdin (a JSON list), the way cdktf passes it: in CDKTF_CONTEXT_JSON.
 * One process for every case, since starting one per case costs seconds.
 * Prints a JSON list of what each run wrote to stderr, its exit status, and
 * the stack of any error that escaped.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDefaultApp } from "../../../constructs/private/default-app.js";

const contexts = JSON.parse(readFileSync(0, "utf8")) as Record<string, unknown>[];
const outdir = mkdtempSync(join(tmpdir(), "natsmon-settings-"));
const writeStderr = process.stderr.write.bind(process.stderr);
const results = [];
for (const context of contexts) {
  process.env.CDKTF_CONTEXT_JSON = JSON.stringify(context);
  process.env.CDKTF_OUTDIR = outdir;
  let stderr = "";
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  }) as typeof process.stderr.write;
  let escaped: string | undefined;
  try {
    runDefaultApp();
  } catch (error) {
    escaped = (error as Error).stack ?? String(error);
  } finally {
    process.stderr.write = writeStderr;
  }
  results.push({ stderr, exitCode: process.exitCode ?? 0, escaped });
  process.exitCode = 0;
}
rmSync(outdir, { recursive: true, force: true });
process.stdout.write(JSON.stringify(results));

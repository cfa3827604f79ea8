// @ts-check
/**
 * The cdktf app command (cdktf.json: `node scripts/app/run.mjs main.ts`):
 * runs a TypeScript app entry from its bundle, rebuilt only when a source
 * changed (see bundle.mjs), with a V8 code cache (see code-cache.mjs). The bench runs an empty cdktf app the same way.
 *
 * Usage: node scripts/app/run.mjs ENTRY.ts
 */
import module from "node:module";
import { join } from "node:path";
import { defaultCacheDir, freshBundle } from "./bundle.mjs";
import { runBundle } from "./code-cache.mjs";
import { deferCdktfStackTraces } from "./deferred-stack-traces.mjs";
import { skipPreparingPassForSingleStack } from "./single-stack-prepare.mjs";

const [entry, ...rest] = process.argv.slice(2);
if (!entry || rest.length > 0) {
  console.error("usage: node scripts/app/run.mjs ENTRY.ts");
  process.exit(2);
}

// Node >= 22.1 keeps V8's compiled code of every module on disk (for cdktf and
// the other packages Node loads; the bundle has its own, fuller cache, see
// code-cache.mjs); on Node 20 the function does not exist.
module.enableCompileCache?.(join(defaultCacheDir(), "v8"));

const bundle = await freshBundle(entry);
if (bundle.rebuilt) console.error(`natsmon app: compiled ${entry} (${bundle.reason})`);
// cdktf formats a full stack trace for each token it creates; format them only when read.
deferCdktfStackTraces(bundle.file);
// cdktf resolves each stack once more before synth, for references between stacks; one stack has none.
skipPreparingPassForSingleStack(bundle.file);
runBundle(bundle.file);

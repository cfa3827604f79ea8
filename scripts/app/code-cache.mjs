// @ts-check
/**
 * Runs the app's CommonJS bundle with a V8 code cache kept next to it.
 *
 * Why: V8 compiles most functions lazily, on their first call. Node's own
 * compile cache (module.enableCompileCache) is written right after a module is
 * compiled, before it runs, so it holds only the code compiled eagerly; every
 * synth compiled the constructs, the providers' classes and the YAML writer
 * again. A cache made by `script.createCachedData()` after a run also holds
 * every function that run compiled (Node's vm docs show exactly this), so the
 * next synth reads them instead of compiling them.
 *
 * The cache is written only when there is none or V8 rejected it (another
 * bundle, another Node or V8 flags), and only after a run that exited with 0:
 * a run that stopped at a settings error compiled too little to be worth
 * keeping. V8 checks the source and its own version and flags before it uses a
 * cache, so a stale one costs one compile, never a wrong result.
 */
import { isAscii } from "node:buffer";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import vm from "node:vm";

/** Node's CommonJS wrapper, on a line of its own so that line numbers in stack traces stay those of the bundle. */
const WRAPPER_START = "(function (exports, require, module, __filename, __dirname) {\n";
const WRAPPER_END = "\n})";

/**
 * Where the code cache of a bundle is kept.
 * @param {string} bundleFile
 */
export function codeCacheFile(bundleFile) {
  return `${bundleFile}.code-cache`;
}

/**
 * Runs the CommonJS bundle `file` as Node would run it as a module (its own
 * `require`, `module`, `exports`, `__filename`, `__dirname`; `import()` of a
 * package works as in any module), using and keeping its code cache.
 * @param {string} file absolute path of the bundle
 * @returns {{ cache: "used" | "missing" | "rejected" }} what became of the cache on this run
 */
export function runBundle(file) {
  const cacheFile = codeCacheFile(file);
  const cachedData = readOrUndefined(cacheFile);
  const script = new vm.Script(`${WRAPPER_START}${readSource(file)}${WRAPPER_END}`, {
    filename: file,
    lineOffset: -1,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const cache = cachedData === undefined ? "missing" : script.cachedDataRejected ? "rejected" : "used";
  if (cache !== "used") {
    // At exit, so that the cache holds everything the run compiled, synth included.
    process.once("exit", (code) => {
      if (code !== 0) return;
      // Only a cache: a synth that worked must not fail because it cannot be kept (a read-only folder, say).
      try {
        writeAtomically(cacheFile, script.createCachedData());
      } catch (error) {
        console.error(
          `natsmon app: could not keep the code cache ${cacheFile} (${error instanceof Error ? error.message : error}); synth is not affected`,
        );
      }
    });
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return { cache };
}

/**
 * The bundle's text. An ASCII file (as bundle.mjs writes it) is read as Latin-1,
 * which is the same text without the cost of decoding UTF-8.
 * @param {string} path
 */
function readSource(path) {
  const bytes = readFileSync(path);
  return bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
}

/** @param {string} path */
function readOrUndefined(path) {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Write then rename, so that two synths starting at once never read half a cache.
 * @param {string} path
 * @param {Buffer} data
 */
function writeAtomically(path, data) {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
}

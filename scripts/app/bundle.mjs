// @ts-check
/**
 * The compiled form of a cdktf app entry (main.ts by default), kept up to date.
 *
 * Why: `cdktf synth/diff/deploy` start the app on every run. Under `tsx`, each of
 * our ~60 TypeScript modules and the Grafana SDK's ~300 CommonJS modules goes
 * through a loader hook; that costs about half a second before any synth work.
 * One CommonJS bundle, built by esbuild when a source changed and reused
 * otherwise, loads in a few tens of milliseconds.
 *
 * Freshness: the bundle is reused only while every file esbuild read to build it
 * (our sources, the bundled packages, tsconfig.json, esbuild itself, this file)
 * has the size and modification time it had then; an edit to main.ts or any
 * module it imports rebuilds it on the next run, with no manual step.
 * Settings in cdktf.json are context, read at run time, and never bundled.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { prerendered } from "./prerendered.mjs";

/**
 * Packages compiled into the bundle. Every other package stays external and is
 * loaded by Node as usual, so a package that reads its own files or carries a
 * native addon keeps working; this list only decides speed, never behaviour.
 * These are the ones whose many small modules dominated start-up, and none of
 * them reads files relative to its own location. cdktf and constructs stay
 * external: one shared instance, loaded exactly as an empty cdktf app loads them.
 */
export const BUNDLED_PACKAGES = [
  "@grafana/grafana-foundation-sdk",
  "yaml",
  "tslib",
  "@cdktf/provider-docker",
  "@cdktf/provider-random",
  "@cdktf/provider-tls",
];

/** Bumped when the build options change in a way the inputs' stats cannot show. */
const FORMAT = 4;

/** Size and time recorded for a settings file that did not exist at build time. */
const ABSENT = -1;

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Where bundles live: node_modules/.cache, which `npm ci` clears and git ignores.
 * It must be inside the project: the bundle imports the external packages by
 * name, and Node looks for them in the node_modules folders above the bundle.
 */
export function defaultCacheDir() {
  return process.env.NATSMON_APP_CACHE_DIR ?? resolve(here, "../../node_modules/.cache/natsmon-app");
}

/**
 * @typedef {{ format: number, entry: string, inputs: [path: string, mtimeMs: number, size: number][] }} Manifest
 * @typedef {{ file: string, rebuilt: false } | { file: string, rebuilt: true, reason: string }} Bundle
 */

/**
 * Returns the bundle of `entry`, rebuilding it first when it is missing or any
 * of its inputs changed.
 * @param {string} entry path of the app's entry file (absolute or from the cwd)
 * @param {string} [cacheDir]
 * @returns {Promise<Bundle>}
 */
export async function freshBundle(entry, cacheDir = defaultCacheDir()) {
  const entryPath = resolve(entry);
  const key = createHash("sha256").update(entryPath).digest("hex").slice(0, 12);
  const file = join(cacheDir, `${basename(entryPath).replace(/\.[cm]?[jt]sx?$/, "")}-${key}.cjs`);
  const manifestFile = `${file}.inputs.json`;
  const reason = staleReason(entryPath, file, manifestFile);
  if (reason === undefined) return { file, rebuilt: false };
  await build(entryPath, file, manifestFile);
  return { file, rebuilt: true, reason };
}

/**
 * Why the bundle cannot be reused, or undefined when it can.
 * @param {string} entryPath
 * @param {string} file
 * @param {string} manifestFile
 * @returns {string | undefined}
 */
function staleReason(entryPath, file, manifestFile) {
  /** @type {Manifest} */
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    statSync(file);
  } catch {
    return "no bundle yet";
  }
  if (manifest.format !== FORMAT || manifest.entry !== entryPath) return "bundle made by another version of the launcher";
  for (const [path, mtimeMs, size] of manifest.inputs) {
    const stat = statOrUndefined(path);
    if (size === ABSENT) {
      if (stat !== undefined) return `${relativeName(path)} was added`;
    } else if (stat === undefined) return `${relativeName(path)} was removed`;
    else if (stat.mtimeMs !== mtimeMs || stat.size !== size) return `${relativeName(path)} changed`;
  }
  return undefined;
}

/**
 * @param {string} entryPath
 * @param {string} file
 * @param {string} manifestFile
 */
async function build(entryPath, file, manifestFile) {
  // Loaded only here: esbuild starts a helper process, which a fresh bundle never needs.
  const esbuild = await import("esbuild");
  const startedAt = Date.now();
  mkdirSync(dirname(file), { recursive: true });
  const result = await esbuild.build({
    entryPoints: [entryPath],
    bundle: true,
    platform: "node",
    // CommonJS, not an ES module: the launcher compiles it with node:vm, whose
    // code cache can keep the functions a run compiled (see code-cache.mjs).
    // For ES modules that needs vm.SourceTextModule, behind a flag. One cost: no top-level await in the entry.
    format: "cjs",
    // The oldest Node the project runs on; the output does not depend on the Node running the build.
    target: "node20",
    // Construct classes name themselves in error messages (`NatsCluster "Nats": ...`);
    // bundling would otherwise rename classes whose names collide across modules.
    keepNames: true,
    // Before the externals plugin: it decides which module an import of a prerendered function gets.
    plugins: [prerendered(resolve(here, "../.."), dirname(file)), externalUnlessBundled()],
    metafile: true,
    write: false,
    outfile: file,
    logLevel: "warning",
  });
  const output = result.outputFiles.find((f) => f.path === file);
  if (output === undefined) throw new Error(`esbuild produced no ${file}`);

  const workingDir = process.cwd();
  const inputs = [
    ...Object.keys(result.metafile.inputs).map((input) => resolve(workingDir, input)),
    fileURLToPath(import.meta.url),
    resolve(dirname(fileURLToPath(import.meta.resolve("esbuild"))), "../package.json"),
  ];
  // Read by esbuild without being listed as inputs (paths aliases, class field
  // semantics); recorded even when absent, so that adding one rebuilds too.
  const settings = [resolve(workingDir, "tsconfig.json"), resolve(workingDir, "package.json")];
  /** @type {Manifest} */
  const manifest = { format: FORMAT, entry: entryPath, inputs: [] };
  let editedDuringBuild = false;
  for (const path of new Set([...inputs, ...settings])) {
    const stat = statOrUndefined(path);
    if (stat === undefined) {
      // esbuild's virtual inputs, such as "<runtime>", are no files.
      if (settings.includes(path)) manifest.inputs.push([path, ABSENT, ABSENT]);
      continue;
    }
    // A file saved while esbuild ran may not be in this bundle: leave the
    // manifest out, so the next run builds again.
    if (stat.mtimeMs >= startedAt) editedDuringBuild = true;
    manifest.inputs.push([path, stat.mtimeMs, stat.size]);
  }

  mkdirSync(dirname(file), { recursive: true });
  // Write then rename, so two synths starting at once never read half a file.
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, asciiLineComments(output.text));
  renameSync(temp, file);
  if (!editedDuringBuild) {
    writeFileSync(temp, JSON.stringify(manifest));
    renameSync(temp, manifestFile);
  }
}

/**
 * The bundle with the non-ASCII characters of its whole-line `//` comments
 * written as `\u` escapes (in a comment they are only text).
 *
 * Why: esbuild escapes non-ASCII characters in code (its default `charset`
 * is ASCII) but keeps comments as written, and a few bundled comments hold
 * typographic quotes. One such character makes the whole 2.5 MB source a
 * two-byte string that Node must decode as UTF-8; pure ASCII is read as
 * Latin-1 with no decoding (code-cache.mjs), several milliseconds less on every
 * synth. A character outside such a comment is left alone: the bundle then
 * stays UTF-8 and is read as such, slower but correct.
 * @param {string} text
 * @returns {string}
 */
export function asciiLineComments(text) {
  return text.replace(
    /^([ \t]*\/\/)(.*[\u0080-\uffff].*)$/gm,
    (_, start, rest) => start + rest.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`),
  );
}

/**
 * Keeps every package external except BUNDLED_PACKAGES. It decides on the
 * resolved path, so tsconfig `paths` aliases that point into the project
 * (the examples import "nats-jetstream-monitoring") are bundled as sources.
 * @returns {import("esbuild").Plugin}
 */
function externalUnlessBundled() {
  const nodeModules = `${sep}node_modules${sep}`;
  return {
    name: "external-unless-bundled",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === "resolving" || args.path.startsWith("node:")) return undefined;
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: "resolving",
        });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        const at = resolved.path.lastIndexOf(nodeModules);
        const name = at < 0 ? undefined : packageName(resolved.path.slice(at + nodeModules.length));
        if (resolved.external || (name !== undefined && !BUNDLED_PACKAGES.includes(name))) return { path: args.path, external: true };
        return { path: resolved.path, namespace: resolved.namespace, sideEffects: resolved.sideEffects, suffix: resolved.suffix };
      });
    },
  };
}

/** @param {string} pathInNodeModules e.g. "@grafana/grafana-foundation-sdk/dist/cog/index.js" */
function packageName(pathInNodeModules) {
  const parts = pathInNodeModules.split(sep);
  return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
}

/** @param {string} path */
function statOrUndefined(path) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** @param {string} path */
function relativeName(path) {
  const name = relative(process.cwd(), path);
  return name.startsWith("..") || isAbsolute(name) ? path : name;
}

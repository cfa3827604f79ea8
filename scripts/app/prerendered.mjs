// @ts-check
/**
 * An esbuild plugin for the app bundle: pure functions whose output for the
 * stack's default input is computed once, when the bundle is built.
 *
 * Why: the project's dashboards are built with the Grafana Foundation SDK, a
 * few hundred CommonJS modules that cost more to load at every synth than
 * everything else the stack does, and the rule file is the largest YAML
 * document the stack writes. Both depend on a small input (the data sources'
 * uid and name; the alert config), which a default stack always passes the same.
 *
 * How: inside the bundle, the function's module is replaced by one that
 * returns a copy of the output computed at build time when it is called with
 * the module's default input (deep-equal to it, and to its value at build time), and
 * otherwise calls the real module. The real module is reached through
 * require(), which esbuild turns into a lazily run module: its imports (the
 * SDK) run only on that path. Same input, same output: the launcher's tests
 * compare both paths with the real function's result.
 */
import { rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * @typedef {{ module: string, name: string, input: { module: string, name: string } }} Prerendered
 */

/**
 * What is computed ahead. `module` must export `name` and nothing else (any
 * other export would be lost in the bundle; the build fails if there is one);
 * `input.module` exports the default argument and must not import `module`.
 * @type {readonly Prerendered[]}
 */
export const PRERENDERED = [
  {
    module: "dashboards/project-dashboards.ts",
    name: "projectDashboards",
    input: { module: "dashboards/default-sources.ts", name: "DEFAULT_DASHBOARD_SOURCES" },
  },
  {
    module: "alerts/rules-file.ts",
    name: "natsRulesFile",
    input: { module: "alerts/default-stack-alert-config.ts", name: "DEFAULT_STACK_ALERT_CONFIG" },
  },
];

const NAMESPACE = "natsmon-prerendered";

/** Numbers the one-off scripts: Node caches an imported module by its URL for the life of the process. */
let computations = 0;

/**
 * @param {string} projectDir the folder the modules' paths are relative to
 * @param {string} workDir where the one-off scripts that compute the outputs are written (and removed)
 * @param {readonly Prerendered[]} [table]
 * @returns {import("esbuild").Plugin}
 */
export function prerendered(projectDir, workDir, table = PRERENDERED) {
  const byPath = new Map(table.map((entry) => [resolve(projectDir, entry.module), entry]));
  return {
    name: "prerendered",
    setup(build) {
      // Every import of a listed module gets the replacement, except the replacement's own require().
      build.onResolve({ filter: /^\.{1,2}\// }, async (args) => {
        if (args.namespace === NAMESPACE || args.pluginData === "resolving") return undefined;
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: "resolving",
        });
        if (!byPath.has(resolved.path)) return undefined;
        return { path: resolved.path, namespace: NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, async (args) => {
        const entry = /** @type {Prerendered} */ (byPath.get(args.path));
        const inputModule = resolve(projectDir, entry.input.module);
        return {
          contents: await replacementSource(args.path, inputModule, entry, workDir),
          loader: "js",
          resolveDir: dirname(args.path),
          // The real module is also in the bundle (the require() below), so
          // everything it imports is an input of the bundle's own.
          watchFiles: [args.path, inputModule],
        };
      });
    },
  };
}

/**
 * The replacement module: the output as a JSON string (parsed once, copied on
 * each call, since callers may change what they get).
 * @param {string} realModule
 * @param {string} inputModule
 * @param {Prerendered} entry
 * @param {string} workDir
 */
async function replacementSource(realModule, inputModule, entry, workDir) {
  const { exports, input, output } = await compute(realModule, inputModule, entry, workDir);
  const unexpected = exports.filter((name) => name !== entry.name);
  if (unexpected.length > 0) {
    throw new Error(
      `${entry.module} exports ${unexpected.join(", ")} besides ${entry.name}; the app bundle computes ${entry.name} ahead ` +
        "and would lose the others: move them to another module",
    );
  }
  return [
    'import { isDeepStrictEqual } from "node:util";',
    `import { ${entry.input.name} as DEFAULT_INPUT } from ${JSON.stringify(inputModule)};`,
    `const COMPUTED_FOR = JSON.parse(${JSON.stringify(input)});`,
    `const COMPUTED = JSON.parse(${JSON.stringify(output)});`,
    `export function ${entry.name}(...args) {`,
    "  const [input] = args;",
    "  if (args.length === 1 && isDeepStrictEqual(input, DEFAULT_INPUT) && isDeepStrictEqual(input, COMPUTED_FOR)) return structuredClone(COMPUTED);",
    `  return require(${JSON.stringify(realModule)}).${entry.name}(...args);`,
    "}",
  ].join("\n");
}

/**
 * Runs the real function once, on its default input, in a bundle of its own.
 * @param {string} realModule
 * @param {string} inputModule
 * @param {Prerendered} entry
 * @param {string} workDir
 * @returns {Promise<{ exports: string[], input: string, output: string }>}
 */
async function compute(realModule, inputModule, entry, workDir) {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    stdin: {
      contents: [
        `import * as real from ${JSON.stringify(realModule)};`,
        `import { ${entry.input.name} as input } from ${JSON.stringify(inputModule)};`,
        "export const exports = Object.keys(real);",
        "export const computed = { input: JSON.stringify(input), output: JSON.stringify(real[" +
          JSON.stringify(entry.name) +
          "](input)) };",
      ].join("\n"),
      resolveDir: dirname(realModule),
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "esm",
    write: false,
    logLevel: "warning",
    banner: { js: 'import { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);' },
  });
  computations += 1;
  const script = join(workDir, `prerender-${process.pid}-${computations}-${entry.name}.mjs`);
  writeFileSync(script, result.outputFiles[0].contents);
  try {
    const computedModule = await import(pathToFileURL(script).href);
    return { exports: computedModule.exports, ...computedModule.computed };
  } finally {
    rmSync(script, { force: true });
  }
}

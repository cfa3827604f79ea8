// @ts-check
/**
 * An esbuild plugin for the app bundle: the project's dashboards, rendered once
 * when the bundle is built, for the data sources a stack provisions by default.
 *
 * Why: the dashboards are built with the Grafana Foundation SDK, a few hundred
 * CommonJS modules that cost more to load at every synth than everything else
 * the stack does. Their output depends only on the two data sources' uid and
 * name (dashboards/project-dashboards.ts), so for the default sources it is the
 * same on every run.
 *
 * How: inside the bundle, dashboards/project-dashboards.ts is replaced by a
 * module that returns a copy of the rendered dashboards when it is called with
 * DEFAULT_DASHBOARD_SOURCES, and otherwise calls the real module. The real
 * module is reached through require(), which esbuild turns into a lazily run
 * module: its SDK imports run only on that path. Same input, same output;
 * scripts/app tests compare both paths with the SDK's own result.
 */
import { rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** The module whose output is rendered ahead, and the one that holds its default input. */
const RENDERED_MODULE = "dashboards/project-dashboards.ts";
const DEFAULT_SOURCES_MODULE = "dashboards/default-sources.ts";
/** The only run-time export the replaced module may have: any other would be lost in the bundle. */
const EXPORTS = ["projectDashboards"];
const NAMESPACE = "natsmon-prerendered";

/**
 * @param {string} projectDir the folder that holds dashboards/
 * @param {string} workDir where the one-off render script is written (and removed)
 * @returns {import("esbuild").Plugin}
 */
export function prerenderedDashboards(projectDir, workDir) {
  const renderedModule = resolve(projectDir, RENDERED_MODULE);
  const defaultSourcesModule = resolve(projectDir, DEFAULT_SOURCES_MODULE);
  return {
    name: "prerendered-dashboards",
    setup(build) {
      // Every import of the module, except the replacement's own require(), gets the replacement.
      build.onResolve({ filter: /project-dashboards(\.js|\.ts)?$/ }, async (args) => {
        if (args.namespace === NAMESPACE || args.pluginData === "resolving") return undefined;
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: "resolving",
        });
        if (resolved.path !== renderedModule) return undefined;
        return { path: renderedModule, namespace: NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, async () => ({
        contents: await replacementSource(renderedModule, defaultSourcesModule, workDir),
        loader: "js",
        resolveDir: dirname(renderedModule),
        // Rebuild when either module or anything the dashboards import changes:
        // the real module is also in the bundle (the require() below), so its
        // inputs are recorded with the bundle's own.
        watchFiles: [renderedModule, defaultSourcesModule],
      }));
    },
  };
}

/**
 * The replacement module's source: the rendered dashboards as a JSON string
 * (parsed once, copied on each call, since callers may change what they get).
 * @param {string} renderedModule
 * @param {string} defaultSourcesModule
 * @param {string} workDir
 */
async function replacementSource(renderedModule, defaultSourcesModule, workDir) {
  const { exports, rendered, sources } = await render(renderedModule, defaultSourcesModule, workDir);
  const unexpected = exports.filter((name) => !EXPORTS.includes(name));
  if (unexpected.length > 0) {
    throw new Error(
      `${RENDERED_MODULE} exports ${unexpected.join(", ")}, which the prerendered-dashboards plugin does not carry: ` +
        "move it to another module or add it to the plugin's EXPORTS",
    );
  }
  return [
    'import { isDeepStrictEqual } from "node:util";',
    `import { DEFAULT_DASHBOARD_SOURCES } from ${JSON.stringify(defaultSourcesModule)};`,
    `const RENDERED_FOR = ${JSON.stringify(sources)};`,
    `const RENDERED = JSON.parse(${JSON.stringify(rendered)});`,
    "export function projectDashboards(sources) {",
    // The check against the module's current value guards a stale render too.
    "  if (isDeepStrictEqual(sources, RENDERED_FOR) && isDeepStrictEqual(sources, DEFAULT_DASHBOARD_SOURCES)) return structuredClone(RENDERED);",
    `  return require(${JSON.stringify(renderedModule)}).projectDashboards(sources);`,
    "}",
  ].join("\n");
}

/**
 * Runs the real module once, with the default sources, in a separate bundle.
 * @param {string} renderedModule
 * @param {string} defaultSourcesModule
 * @param {string} workDir
 * @returns {Promise<{ exports: string[], rendered: string, sources: unknown }>}
 */
async function render(renderedModule, defaultSourcesModule, workDir) {
  const esbuild = await import("esbuild");
  const script = join(workDir, `render-dashboards-${process.pid}.mjs`);
  const result = await esbuild.build({
    stdin: {
      contents: [
        `import * as dashboards from ${JSON.stringify(renderedModule)};`,
        `import { DEFAULT_DASHBOARD_SOURCES } from ${JSON.stringify(defaultSourcesModule)};`,
        "export const exports = Object.keys(dashboards);",
        "export const sources = DEFAULT_DASHBOARD_SOURCES;",
        "export const rendered = JSON.stringify(dashboards.projectDashboards(DEFAULT_DASHBOARD_SOURCES));",
      ].join("\n"),
      resolveDir: dirname(renderedModule),
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "esm",
    write: false,
    logLevel: "warning",
    banner: { js: 'import { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);' },
  });
  writeFileSync(script, result.outputFiles[0].contents);
  try {
    return await import(pathToFileURL(script).href);
  } finally {
    rmSync(script, { force: true });
  }
}

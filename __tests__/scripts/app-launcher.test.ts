import { isAscii } from "node:buffer";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Plugin } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { EMPTY_APP, emptyAppCommand, readCdktfJson } from "../../scripts/bench/startup.js";

const repo = resolve(import.meta.dirname, "../..");
const launcher = join(repo, "scripts/app/run.mjs");

// Fixtures live under the repository's node_modules/.cache, so that their
// bare imports resolve to the project's packages as main.ts's do.
const fixturesRoot = join(repo, "node_modules/.cache");
mkdirSync(fixturesRoot, { recursive: true });
const fixtures: string[] = [];
afterAll(() => {
  for (const dir of fixtures) rmSync(dir, { recursive: true, force: true });
});

function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(join(fixturesRoot, "natsmon-app-test-"));
  fixtures.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Runs the launcher as cdktf does: in the project folder, the entry named relative to it. */
function launch(dir: string, entry: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [launcher, entry], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NATSMON_APP_CACHE_DIR: join(dir, "cache"), ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function bundleText(dir: string): string {
  const [file] = readdirBundles(dir);
  return readFileSync(file, "utf8");
}

function readdirBundles(dir: string): string[] {
  const cache = join(dir, "cache");
  return readdirSync(cache)
    .filter((name) => name.endsWith(".cjs"))
    .map((name) => join(cache, name));
}

describe("scripts/app/run.mjs, the cdktf app command", () => {
  it("synthesizes main.ts to exactly the plan that `tsx main.ts` writes", () => {
    const out = mkdtempSync(join(tmpdir(), "natsmon-launcher-"));
    const cache = fixture({});
    try {
      const env = { ...process.env, CHECKPOINT_DISABLE: "1", NATSMON_APP_CACHE_DIR: cache };
      const bundled = spawnSync(process.execPath, [launcher, "main.ts"], {
        cwd: repo,
        encoding: "utf8",
        env: { ...env, CDKTF_OUTDIR: join(out, "bundled") },
      });
      expect(bundled.stderr).toContain("compiled main.ts (no bundle yet)");
      expect(bundled.status).toBe(0);
      const tsx = spawnSync(process.execPath, [join(repo, "node_modules/tsx/dist/cli.mjs"), "main.ts"], {
        cwd: repo,
        encoding: "utf8",
        env: { ...env, CDKTF_OUTDIR: join(out, "tsx") },
      });
      expect(tsx.status, tsx.stderr).toBe(0);
      const plan = (dir: string) => readFileSync(join(out, dir, "stacks/nats-monitoring/cdk.tf.json"), "utf8");
      expect(plan("bundled")).toBe(plan("tsx"));
      // Pure ASCII, which the launcher reads without decoding UTF-8 (see asciiLineComments).
      const [bundle] = readdirSync(cache).filter((name) => name.endsWith(".cjs"));
      expect(isAscii(readFileSync(join(cache, bundle))), "the bundle is ASCII").toBe(true);
      expect(readFileSync(join(out, "bundled/manifest.json"), "utf8")).toBe(readFileSync(join(out, "tsx/manifest.json"), "utf8"));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it("reuses the bundle until a source changes, then rebuilds it before running", () => {
    const dir = fixture({
      "app.ts": 'import { greeting } from "./greeting.js";\nconsole.log(greeting);\n',
      "greeting.ts": 'export const greeting: string = "first";\n',
    });
    const first = launch(dir, "app.ts");
    expect(first).toMatchObject({ status: 0, stdout: "first\n" });
    expect(first.stderr).toContain("compiled app.ts (no bundle yet)");

    const second = launch(dir, "app.ts");
    expect(second).toMatchObject({ status: 0, stdout: "first\n", stderr: "" });

    writeFileSync(join(dir, "greeting.ts"), 'export const greeting: string = "edited";\n');
    const edited = launch(dir, "app.ts");
    expect(edited).toMatchObject({ status: 0, stdout: "edited\n" });
    expect(edited.stderr).toContain("compiled app.ts (greeting.ts changed)");

    for (const file of readdirBundles(dir)) unlinkSync(file);
    const removed = launch(dir, "app.ts");
    expect(removed).toMatchObject({ status: 0, stdout: "edited\n" });
    expect(removed.stderr).toContain("compiled app.ts (no bundle yet)");

    // tsconfig.json steers the compiler without being an input of its own.
    writeFileSync(join(dir, "tsconfig.json"), "{}\n");
    expect(launch(dir, "app.ts").stderr).toContain("compiled app.ts (tsconfig.json was added)");
    writeFileSync(join(dir, "tsconfig.json"), '{ "compilerOptions": {} }\n');
    expect(launch(dir, "app.ts").stderr).toContain("compiled app.ts (tsconfig.json changed)");
    expect(launch(dir, "app.ts")).toMatchObject({ status: 0, stdout: "edited\n", stderr: "" });
  }, 30_000);

  it("bundles the listed packages and leaves every other package to Node", () => {
    const dir = fixture({
      "app.ts":
        'import pc from "picocolors";\nimport { stringify } from "yaml";\nconsole.log(stringify({ colours: typeof pc.red }).trim());\n',
    });
    expect(launch(dir, "app.ts")).toMatchObject({ status: 0, stdout: "colours: function\n" });
    const text = bundleText(dir);
    expect(text).toMatch(/from "picocolors"|require\("picocolors"\)/);
    expect(text).not.toMatch(/from "yaml"|require\("yaml"\)/);
    expect(text).toContain("yaml/dist/index.js");
  }, 30_000);

  it("renders the default dashboards when it bundles the app, and builds any others with the SDK at run time", () => {
    // The app prints the default dashboards, a changed copy's effect on a second call, and dashboards for other sources.
    const app = [
      'import { DEFAULT_DASHBOARD_SOURCES } from "../../../dashboards/default-sources.js";',
      'import { projectDashboards } from "../../../dashboards/project-dashboards.js";',
      "const first = projectDashboards(DEFAULT_DASHBOARD_SOURCES);",
      'first[0].title = "changed by the caller";',
      "const second = projectDashboards({ ...DEFAULT_DASHBOARD_SOURCES });",
      'const other = projectDashboards({ prometheus: { uid: "metrics", name: "Metrics" }, loki: DEFAULT_DASHBOARD_SOURCES.loki });',
      "console.log(JSON.stringify({ second, other }));",
    ].join("\n");
    const dir = fixture({ "app.ts": app });
    const bundled = launch(dir, "app.ts");
    expect(bundled.status, bundled.stderr).toBe(0);
    const text = bundleText(dir);
    // (Booleans, so that a failure does not print the whole bundle.)
    expect(text.includes("COMPUTED = JSON.parse("), "the rendered dashboards are in the bundle").toBe(true);
    // The real module is still there, for other sources, behind esbuild's lazy initializer.
    expect(/\(init_project_dashboards\(\), __toCommonJS\(project_dashboards_exports\)\)/.test(text), "lazy SDK path").toBe(true);

    const tsx = spawnSync(process.execPath, [join(repo, "node_modules/tsx/dist/cli.mjs"), "app.ts"], { cwd: dir, encoding: "utf8" });
    expect(tsx.status, tsx.stderr).toBe(0);
    expect(bundled.stdout).toBe(tsx.stdout);
    const printed = JSON.parse(bundled.stdout) as { second: { title: string }[]; other: unknown[] };
    expect(printed.second[0].title).not.toBe("changed by the caller");
    expect(JSON.stringify(printed.other).includes('"current":{"text":"Metrics","value":"metrics"}'), "other sources are used").toBe(true);
  }, 60_000);

  it("refuses to compute a function ahead when its module has other exports, which the bundle would lose", async () => {
    const dir = fixture({
      "app.ts": 'import { double } from "./double.js";\nconsole.log(double(2));\n',
      "double.ts": "export function double(n: number) { return 2 * n; }\nexport const other = 1;\n",
      "input.ts": "export const TWO = 2;\n",
    });
    // A plain .mjs file (checked by its own @ts-check), typed here by hand.
    const pluginModule = "../../scripts/app/prerendered.mjs";
    type Table = { module: string; name: string; input: { module: string; name: string } }[];
    const { prerendered } = (await import(pluginModule)) as { prerendered: (projectDir: string, workDir: string, table: Table) => Plugin };
    const esbuild = await import("esbuild");
    const table = [{ module: "double.ts", name: "double", input: { module: "input.ts", name: "TWO" } }];
    const build = () =>
      esbuild.build({
        entryPoints: [join(dir, "app.ts")],
        bundle: true,
        platform: "node",
        format: "esm",
        write: false,
        logLevel: "silent",
        plugins: [prerendered(dir, dir, table)],
      });
    await expect(build()).rejects.toThrow(
      "double.ts exports other besides double; the app bundle computes double ahead and would lose the others",
    );

    writeFileSync(join(dir, "double.ts"), "export function double(n: number) { return 2 * n; }\n");
    const built = await build();
    expect(built.outputFiles[0].text).toContain('COMPUTED = JSON.parse("4")');
  }, 30_000);

  it("keeps a V8 code cache of the bundle after a run that succeeded, and replaces one that V8 rejects", () => {
    const dir = fixture({
      "app.ts":
        'import { greeting } from "./greeting.js";\nif (process.env.FAIL) throw new Error("failed on purpose");\nconsole.log(greeting);\n',
      "greeting.ts": 'export const greeting: string = "cached";\n',
    });
    const cacheOf = () => `${readdirBundles(dir)[0]}.code-cache`;
    const failed = launch(dir, "app.ts", { FAIL: "1" });
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toContain("failed on purpose");
    expect(existsSync(cacheOf()), "no cache after a failed run").toBe(false);

    expect(launch(dir, "app.ts")).toMatchObject({ status: 0, stdout: "cached\n" });
    const written = statSync(cacheOf());
    expect(written.size).toBeGreaterThan(0);
    expect(launch(dir, "app.ts")).toMatchObject({ status: 0, stdout: "cached\n", stderr: "" });
    // A rewrite renames a new file into place: another inode.
    expect(statSync(cacheOf()).ino, "a cache V8 accepted is kept, not written again").toBe(written.ino);

    writeFileSync(cacheOf(), "not a code cache");
    expect(launch(dir, "app.ts")).toMatchObject({ status: 0, stdout: "cached\n", stderr: "" });
    expect(readFileSync(cacheOf(), "utf8")).not.toBe("not a code cache");

    // A cache that cannot be written (here a folder in its place) is reported, and the run still succeeds.
    rmSync(cacheOf());
    mkdirSync(cacheOf());
    const unwritable = launch(dir, "app.ts");
    expect(unwritable).toMatchObject({ status: 0, stdout: "cached\n" });
    expect(unwritable.stderr).toContain("natsmon app: could not keep the code cache");
    expect(
      readdirSync(join(dir, "cache")).filter((name) => name.endsWith(".tmp")),
      "no temporary file left",
    ).toEqual([]);
  }, 30_000);

  it("runs the bundle as a module: its own require, __filename, and import() of a package", () => {
    const dir = fixture({
      "app.ts": [
        'import { basename } from "node:path";',
        "async function main() {",
        '  const { default: colours } = await import("picocolors");',
        '  console.log(typeof colours.red, basename(__filename).endsWith(".cjs"), typeof require.resolve);',
        "}",
        "void main();",
      ].join("\n"),
    });
    expect(launch(dir, "app.ts")).toMatchObject({ status: 0, stdout: "function true function\n" });
  }, 30_000);

  it("escapes non-ASCII characters in whole-line comments only, where they are text", async () => {
    // A plain .mjs file (checked by its own @ts-check), typed here by hand.
    const bundleModule = "../../scripts/app/bundle.mjs";
    const { asciiLineComments } = (await import(bundleModule)) as { asciiLineComments: (text: string) => string };
    const text = ["  // the dashboard\u2019s time \u{1F600}", 'const quote = "\u2019";', "x(); // trailing \u2019"].join("\n");
    expect(asciiLineComments(text)).toBe(
      ["  // the dashboard\\u2019s time \\ud83d\\ude00", 'const quote = "\u2019";', "x(); // trailing \u2019"].join("\n"),
    );
  });

  it("keeps class names, which construct errors quote", () => {
    // Two modules with a class of the same name: bundling must not rename either.
    const dir = fixture({
      "app.ts":
        'import { Part as A } from "./a.js";\nimport { Part as B } from "./b.js";\nconsole.log(new A().constructor.name, new B().constructor.name);\n',
      "a.ts": "export class Part {}\n",
      "b.ts": "export class Part {}\n",
    });
    expect(launch(dir, "app.ts")).toMatchObject({ status: 0, stdout: "Part Part\n" });
  }, 30_000);

  it("fails with the compiler's message on a syntax error, and with the app's own error when it throws", () => {
    const broken = fixture({ "app.ts": "const x: number = ;\n" });
    const build = launch(broken, "app.ts");
    expect(build.status).not.toBe(0);
    expect(build.stderr).toMatch(/app\.ts:1:\d+: ERROR: Unexpected ";"/);

    // The bundle is CommonJS (for its code cache): top-level await is refused, with esbuild's reason.
    const awaiting = launch(fixture({ "app.ts": "console.log(await Promise.resolve(1));\n" }), "app.ts");
    expect(awaiting.status).not.toBe(0);
    expect(awaiting.stderr).toContain('Top-level await is currently not supported with the "cjs" output format');

    const throwing = fixture({ "app.ts": 'throw new Error("Grafana \\"Grafana\\": adminUser must be a login");\n' });
    const run = launch(throwing, "app.ts");
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('Grafana "Grafana": adminUser must be a login');
  }, 30_000);

  it("refuses a missing or extra argument", () => {
    expect(launch(repo, "").status).toBe(2);
    const extra = spawnSync(process.execPath, [launcher, "main.ts", "other.ts"], { encoding: "utf8" });
    expect(extra.status).toBe(2);
    expect(extra.stderr).toContain("usage: node scripts/app/run.mjs ENTRY.ts");
  });
});

describe("the start-up bench's commands", () => {
  it("runs cdktf.json's app through the launcher, and the empty app the same way", () => {
    const { app } = readCdktfJson(join(repo, "cdktf.json"));
    expect(app).toBe("node --disable-warning=DEP0044 scripts/app/run.mjs main.ts");
    expect(emptyAppCommand(app)).toBe(`node --disable-warning=DEP0044 scripts/app/run.mjs ${EMPTY_APP}`);
    expect(emptyAppCommand("npx tsx main.ts")).toBe(`npx tsx ${EMPTY_APP}`);
  });

  it("refuses a command that does not name main.ts exactly once", () => {
    expect(() => emptyAppCommand("npx tsx app.ts")).toThrow(/must name main.ts once, got "npx tsx app.ts"/);
    expect(() => emptyAppCommand("node main.ts main.ts")).toThrow(/must name main.ts once/);
  });
});

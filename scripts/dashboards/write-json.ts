/**
 * `npm run dashboards [-- OUT_DIR] [--prometheus-uid UID] [--loki-uid UID]`:
 * writes the project's dashboards as JSON files, one per dashboard named
 * after its uid, for users who import them into a Grafana of their own
 * (Dashboards > New > Import). Each dashboard has a data source variable,
 * so the uids only choose the default selection.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { DATA_SOURCE_UIDS } from "../../contract/index.js";
import type { DashboardJson } from "../../dashboards/common.js";
import { projectDashboards } from "../../dashboards/project-dashboards.js";

/** Where `npm run dashboards` writes without an argument. */
// Not dist/dashboards: `npm run build` compiles the dashboards module there.
export const DEFAULT_DASHBOARDS_OUT_DIR = "dist/grafana-dashboards";

/** Writes each dashboard to `<dir>/<uid>.json` and returns the paths written. */
export function writeDashboardFiles(dir: string, dashboards: readonly DashboardJson[]): string[] {
  mkdirSync(dir, { recursive: true });
  return dashboards.map((dashboard) => {
    if (!dashboard.uid) throw new Error(`dashboard "${dashboard.title}" has no uid; call .uid(...) on its builder`);
    const path = join(dir, `${dashboard.uid}.json`);
    writeFileSync(path, `${JSON.stringify(dashboard, null, 2)}\n`);
    return path;
  });
}

/** The command line: parses the arguments, writes the files, prints their paths. */
export function main(argv: readonly string[]): string[] {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      "prometheus-uid": { type: "string", default: DATA_SOURCE_UIDS.prometheus },
      "loki-uid": { type: "string", default: DATA_SOURCE_UIDS.loki },
    },
  });
  if (positionals.length > 1) throw new Error(`expected at most one output folder, got ${positionals.join(" ")}`);
  const dir = resolve(positionals[0] ?? DEFAULT_DASHBOARDS_OUT_DIR);
  const dashboards = projectDashboards({
    prometheus: { uid: values["prometheus-uid"], name: "Prometheus" },
    loki: { uid: values["loki-uid"], name: "Loki" },
  });
  return writeDashboardFiles(dir, dashboards);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    for (const path of main(process.argv.slice(2))) console.log(`wrote ${path}`);
  } catch (error) {
    console.error(`npm run dashboards: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** A dashboard JSON file that a user dropped into the custom dashboards folder. */
export interface CustomDashboard {
  /** The file's name, e.g. "my-team.json"; it keeps this name in the container. */
  readonly fileName: string;
  /** The file's path as read. */
  readonly path: string;
  /** The file's text, uploaded as it is. */
  readonly text: string;
  /** The dashboard's uid, when it sets one. */
  readonly uid?: string;
}

/** Why a custom dashboard file cannot be provisioned. */
export class CustomDashboardError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = "CustomDashboardError";
  }
}

/**
 * Reads every `*.json` file directly inside `dir` (other files, such as a
 * README, are ignored), in name order. Fails on the first file that is not
 * a dashboard Grafana can provision: malformed JSON (with the parser's
 * message), not an object, or an export "for sharing externally", whose
 * `${DS_...}` inputs only the import dialog fills in.
 */
export function readCustomDashboards(dir: string): CustomDashboard[] {
  const files = readdirSync(dir)
    .filter((name) => name.toLowerCase().endsWith(".json"))
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort();
  return files.map((fileName) => {
    const path = join(dir, fileName);
    const text = readFileSync(path, "utf8");
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      // Node's message may quote the offending text across lines.
      const message = (error as Error).message.replace(/\s*\n\s*/g, " ");
      throw new CustomDashboardError(path, `is not valid JSON; the parser says: ${message}`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new CustomDashboardError(path, "is not a dashboard: the JSON must be an object");
    }
    const dashboard = parsed as Record<string, unknown>;
    if ("__inputs" in dashboard) {
      throw new CustomDashboardError(
        path,
        'was exported "for sharing externally": its ${DS_...} data source inputs are only filled in by the import dialog; export it again without that option',
      );
    }
    const uid = dashboard.uid;
    if (uid !== undefined && uid !== null && typeof uid !== "string") {
      throw new CustomDashboardError(path, `has a uid that is not a string: ${JSON.stringify(uid)}`);
    }
    return { fileName, path, text, ...(typeof uid === "string" ? { uid } : {}) };
  });
}

import Table from "cli-table3";
import { createColors } from "picocolors";
import { allPassed, type CheckResult, type CheckStatus } from "./verdict.js";

/** What `natsmon check --json` prints. */
export interface JsonReport {
  /** True when every check passed; the exit status is 0 exactly then. */
  readonly ok: boolean;
  readonly summary: Readonly<Record<CheckStatus, number>>;
  /** Where the endpoints came from: an outputs file or folder, or "defaults and flags". */
  readonly source: string;
  readonly timeoutSeconds: number;
  readonly checks: readonly CheckResult[];
}

/** Builds the machine-readable report. */
export function jsonReport(results: readonly CheckResult[], source: string, timeoutSeconds: number): JsonReport {
  return {
    ok: allPassed(results),
    summary: countByStatus(results),
    source,
    timeoutSeconds,
    checks: results,
  };
}

/** Options of {@link renderTable}. */
export interface TableOptions {
  readonly color: boolean;
  /** Terminal width in columns. @default 120 */
  readonly width?: number;
}

/**
 * Renders the report for people: one row per check, failures with what was
 * seen and the likely fix, then a one-line summary.
 */
export function renderTable(results: readonly CheckResult[], options: TableOptions): string {
  const c = createColors(options.color);
  const status: Record<CheckStatus, (text: string) => string> = {
    ok: (text) => c.green(text),
    fail: (text) => c.bold(c.red(text)),
    skip: (text) => c.yellow(text),
  };
  const label: Record<CheckStatus, string> = { ok: "ok", fail: "FAIL", skip: "skip" };
  const nameWidth = Math.max(7, ...results.map((result) => result.name.length)) + 2;
  const statusWidth = 8;
  const detailWidth = Math.max(30, (options.width ?? 120) - nameWidth - statusWidth - 4);
  const table = new Table({
    head: ["check", "status", "detail"].map((text) => c.bold(text)),
    colWidths: [nameWidth, statusWidth, detailWidth],
    wordWrap: true,
    wrapOnWordBoundary: true,
    style: { head: [], border: [], compact: false },
  });
  for (const result of results) {
    const detail = result.fix ? `${result.detail}\n${c.dim(`fix: ${result.fix}`)}` : result.detail;
    table.push([result.name, status[result.status](label[result.status]), detail]);
  }
  const counts = countByStatus(results);
  const summary = [
    status.ok(`${counts.ok} ok`),
    counts.fail > 0 ? status.fail(`${counts.fail} failed`) : "0 failed",
    counts.skip > 0 ? status.skip(`${counts.skip} skipped`) : "0 skipped",
  ].join(", ");
  return `${table.toString()}\nnatsmon check: ${summary}\n`;
}

function countByStatus(results: readonly CheckResult[]): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { ok: 0, fail: 0, skip: 0 };
  for (const result of results) counts[result.status] += 1;
  return counts;
}

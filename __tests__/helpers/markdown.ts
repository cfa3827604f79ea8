import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The repository root, where README.md and docs/ live. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The text of a Markdown file, by its path from the repository root (e.g. "docs/constructs.md"). */
export function readDoc(path: string): string {
  return readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
}

/** Lines outside fenced code blocks, with their 0-based line numbers. */
function proseLines(text: string): { line: string; index: number }[] {
  let fenced = false;
  const lines: { line: string; index: number }[] = [];
  text.split("\n").forEach((line, index) => {
    if (/^\s*```/.test(line)) fenced = !fenced;
    else if (!fenced) lines.push({ line, index });
  });
  return lines;
}

/** Every heading outside code blocks: its level and text. */
export function headings(text: string): { level: number; text: string }[] {
  return proseLines(text)
    .map(({ line }) => line.match(/^(#{1,6})\s+(.*?)\s*#*\s*$/))
    .filter((match): match is RegExpMatchArray => match !== null)
    .map((match) => ({ level: match[1].length, text: match[2] }));
}

/** The text under `heading` (e.g. "## NatsCluster"), up to the next heading of the same or a higher level. */
export function markdownSection(text: string, heading: string): string {
  const level = heading.match(/^#+/)?.[0].length ?? 0;
  const lines = text.split("\n");
  const prose = proseLines(text);
  const start = prose.find(({ line }) => line.trim() === heading);
  if (!start) throw new Error(`no heading "${heading}"`);
  const next = prose.find(({ line, index }) => index > start.index && /^#+ /.test(line) && (line.match(/^#+/)?.[0].length ?? 99) <= level);
  return lines.slice(start.index + 1, next?.index).join("\n");
}

/** The cells of a table row, split on unescaped pipes, `\|` turned back into `|`. */
export function tableCells(row: string): string[] {
  const inner = row.trim().replace(/^\|/, "").replace(/\|$/, "");
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, "|"));
}

/**
 * The first table in `text` whose header's first cell is `firstHeader`: its
 * header cells and its body rows as cells.
 */
export function markdownTable(text: string, firstHeader: string): { header: string[]; rows: string[][] } | undefined {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => line.startsWith("|") && tableCells(line)[0] === firstHeader);
  if (start < 0) return undefined;
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(tableCells(line));
  }
  return { header: tableCells(lines[start]), rows };
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function githubAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, "")
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** Every anchor the headings of `text` define (duplicates get GitHub's -1, -2 suffixes). */
export function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const { text: heading } of headings(text)) {
    const base = githubAnchor(heading);
    const count = seen.get(base) ?? 0;
    anchors.add(count === 0 ? base : `${base}-${count}`);
    seen.set(base, count + 1);
  }
  return anchors;
}

/** Targets of inline Markdown links `[text](target)` outside code blocks and code spans. */
export function linkTargets(text: string): string[] {
  const targets: string[] = [];
  for (const { line } of proseLines(text)) {
    const withoutCode = line.replace(/`[^`]*`/g, "");
    for (const match of withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) targets.push(match[1]);
  }
  return targets;
}

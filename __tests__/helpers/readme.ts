import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const README = fileURLToPath(new URL("../../README.md", import.meta.url));

/** The README's text. */
export function readme(): string {
  return readFileSync(README, "utf8");
}

/** The text of the section under `heading` (e.g. "### NatsCluster"), up to the next heading of the same or a higher level. */
export function readmeSection(heading: string): string {
  const text = readme();
  const level = heading.match(/^#+/)?.[0].length ?? 0;
  const start = text.split("\n").findIndex((line) => line.trim() === heading);
  if (start < 0) throw new Error(`README.md has no heading "${heading}"`);
  const lines = text.split("\n").slice(start + 1);
  const end = lines.findIndex((line) => /^#+ /.test(line) && (line.match(/^#+/)?.[0].length ?? 99) <= level);
  return lines.slice(0, end < 0 ? undefined : end).join("\n");
}

/** Names in backticks in the first column of the first table whose header starts with `| prop`. */
export function propsTableNames(section: string): string[] {
  const lines = section.split("\n");
  const header = lines.findIndex((line) => /^\|\s*prop\s*\|/.test(line));
  if (header < 0) return [];
  const names: string[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith("|")) break;
    const firstCell = line.split("|")[1] ?? "";
    for (const match of firstCell.matchAll(/`(\w+)`/g)) names.push(match[1]);
  }
  return names;
}

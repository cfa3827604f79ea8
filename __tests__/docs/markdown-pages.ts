import { readdirSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../helpers/markdown.js";

/** README.md and every page of docs/, by path from the repository root. */
export function documentationPages(): string[] {
  const docs = readdirSync(join(REPO_ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`);
  return ["README.md", ...docs];
}

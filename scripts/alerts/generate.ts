/**
 * Regenerates the committed alert files from the TypeScript source:
 * alerts/generated/*.yml and the rules table of docs/alerts-and-dashboards.md.
 * Run with `npm run alerts`; a test fails while they are out of date.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generatedAlertFiles, RULES_TABLE_DOC, withCurrentRulesTable } from "./generated-files.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
for (const [path, content] of Object.entries(generatedAlertFiles())) {
  writeFileSync(join(root, path), content);
  console.log(`wrote ${path}`);
}
const tablePath = join(root, RULES_TABLE_DOC);
writeFileSync(tablePath, withCurrentRulesTable(readFileSync(tablePath, "utf8")));
console.log(`updated the rules table in ${RULES_TABLE_DOC}`);

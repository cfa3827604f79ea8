import { describe, expect, it } from "vitest";
import { DEFAULT_IMAGES } from "../../index.js";
import { type PropDoc, publicConstructs } from "../helpers/api-surface.js";
import { headings, markdownSection, markdownTable, readDoc } from "../helpers/markdown.js";

/**
 * docs/constructs.md is the API reference: one "## <Construct>" section per
 * construct that index.ts exports, each with a props table
 * (| prop | type | default | meaning |). These tests keep the tables in
 * sync with the TypeScript interfaces, and the JSDoc that editors show
 * complete: every prop documented, every optional one with its @default.
 */
const REFERENCE = "docs/constructs.md";
const reference = readDoc(REFERENCE);
const constructs = publicConstructs();

/** The literal a `@default` tag starts with (`3`, `true`, `"30s"`), if it starts with one. */
function leadingLiteral(defaultValue: string | undefined): string | undefined {
  return defaultValue?.match(/^("[^"]*"|-?\d+(?:\.\d+)?|true|false)(?=$|\s*[,;(]|\s+(?:or|when)\s)/)?.[1];
}

/** What is wrong with a construct's props table, judged against its props. */
export function propsTableProblems(section: string, props: readonly PropDoc[]): string[] {
  const table = markdownTable(section, "prop");
  if (!table) return ["has no props table (| prop | type | default | meaning |)"];
  if (table.header.join("|") !== "prop|type|default|meaning") return [`table header is ${table.header.join(" | ")}`];
  const problems: string[] = [];
  const rows = new Map<string, string[]>();
  for (const row of table.rows) {
    const name = row[0].match(/^`(\w+)`$/)?.[1];
    if (!name) problems.push(`row "${row[0]}" does not name one prop in backticks`);
    else if (rows.has(name)) problems.push(`${name} is listed twice`);
    else rows.set(name, row);
  }
  for (const prop of props) {
    const row = rows.get(prop.name);
    if (!row) {
      problems.push(`${prop.name} is not documented`);
      continue;
    }
    const [, type, defaultCell] = row;
    if (type !== `\`${prop.typeText}\``) problems.push(`${prop.name}: type is ${type}, the interface says \`${prop.typeText}\``);
    if (!prop.optional && defaultCell !== "required") problems.push(`${prop.name} is required, the default column says "${defaultCell}"`);
    if (prop.optional && (defaultCell === "" || defaultCell === "required")) {
      problems.push(`${prop.name} is optional, the default column says "${defaultCell}"`);
    }
    const literal = leadingLiteral(prop.defaultValue);
    const unquoted = literal?.replace(/^"(.*)"$/, "$1");
    if (literal && !defaultCell.includes(`\`${literal}\``) && !defaultCell.includes(`\`${unquoted}\``)) {
      problems.push(`${prop.name}: the default is ${literal} (@default), the default column says "${defaultCell}"`);
    }
  }
  const known = new Set(props.map((prop) => prop.name));
  for (const name of rows.keys()) if (!known.has(name)) problems.push(`${name} is documented but is no prop (stale)`);
  return problems;
}

describe("the public constructs", () => {
  it("are found in index.ts", () => {
    expect(constructs.map((c) => c.name)).toEqual(
      expect.arrayContaining(["NatsMonitoringStack", "NatsCluster", "Surveyor", "NatsExporter", "PrometheusStack", "LokiStack", "Grafana"]),
    );
  });

  it(`each have a section in ${REFERENCE}, and every documented construct is public`, () => {
    const sections = headings(reference)
      .filter((h) => h.level === 2)
      .map((h) => h.text)
      .filter((name) => markdownTable(markdownSection(reference, `## ${name}`), "prop"));
    expect(sections.sort()).toEqual(constructs.map((c) => c.name).sort());
  });

  it(`name every default image in ${REFERENCE}, and only pinned ones as image defaults`, () => {
    for (const image of Object.values(DEFAULT_IMAGES)) {
      const named = reference.includes(`\`${image}\``) || reference.includes(`\`"${image}"\``);
      expect(named, `${image} is not in ${REFERENCE}`).toBe(true);
    }
    const pinned = new Set<string>(Object.values(DEFAULT_IMAGES));
    for (const { name, props } of constructs) {
      if (!props.some((prop) => prop.name === "image" && prop.optional)) continue;
      const row = markdownTable(markdownSection(reference, `## ${name}`), "prop")?.rows.find((cells) => cells[0] === "`image`");
      const named = [...(row?.[2] ?? "").matchAll(/`"?([^`"]+)"?`/g)].map((match) => match[1]);
      expect(named.length, `${name}.image names no default image`).toBeGreaterThan(0);
      for (const image of named) expect(pinned.has(image), `${name}.image default ${image} is not in DEFAULT_IMAGES`).toBe(true);
    }
  });
});

describe.each(constructs)("$name", ({ name, props }) => {
  it("has JSDoc on every prop and a @default on every optional one", () => {
    expect(props.length).toBeGreaterThan(0);
    for (const prop of props) {
      expect(prop.doc, `${name} props: ${prop.name} has no JSDoc`).not.toBe("");
      if (prop.optional) expect(prop.defaultValue, `${name} props: ${prop.name} has no @default`).toBeDefined();
    }
  });

  it(`is documented in ${REFERENCE}, prop for prop, with its type and default`, () => {
    expect(propsTableProblems(markdownSection(reference, `## ${name}`), props)).toEqual([]);
  });
});

describe("the props table check", () => {
  const props: PropDoc[] = [
    { name: "nodes", optional: true, doc: "n", defaultValue: "3", typeText: "number" },
    { name: "network", optional: false, doc: "n", typeText: "Network" },
  ];
  const table = (...rows: string[]) => ["| prop | type | default | meaning |", "|---|---|---|---|", ...rows].join("\n");

  it("accepts a table that matches", () => {
    expect(propsTableProblems(table("| `nodes` | `number` | `3` | m |", "| `network` | `Network` | required | m |"), props)).toEqual([]);
  });

  it("fails on an undocumented, a stale, a mistyped prop and a wrong default", () => {
    const problems = propsTableProblems(table("| `nodes` | `string` | `5` | m |", "| `nodez` | `Network` | required | m |"), props);
    expect(problems).toEqual([
      "nodes: type is `string`, the interface says `number`",
      'nodes: the default is 3 (@default), the default column says "`5`"',
      "network is not documented",
      "nodez is documented but is no prop (stale)",
    ]);
  });

  it("reads escaped pipes in a type", () => {
    const union: PropDoc[] = [{ name: "loki", optional: true, doc: "d", defaultValue: "on", typeText: "LokiProps | false" }];
    expect(propsTableProblems(table("| `loki` | `LokiProps \\| false` | on | m |"), union)).toEqual([]);
  });
});

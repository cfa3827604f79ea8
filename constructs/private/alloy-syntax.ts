/**
 * A small writer for the Grafana Alloy configuration syntax (the language of
 * `config.alloy`, formerly River). Alloy is not YAML: it has blocks with
 * optional labels, attributes, references to other components' exports and
 * Go-style double-quoted strings in which every backslash is doubled. The
 * Alloy config is built as data with the helpers below and written here, in
 * one place, so no escaping is spread around the renderers.
 */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DOTTED_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/;
const INDENT = "  ";

/** A reference to another component's export, written unquoted, e.g. `loki.write.default.receiver`. */
export class AlloyRef {
  constructor(readonly expression: string) {
    if (!DOTTED_IDENTIFIER.test(expression)) {
      throw new Error(`Alloy reference ${JSON.stringify(expression)} is not a dotted identifier such as loki.write.default.receiver`);
    }
  }
}

/** A value on the right of an attribute. */
export type AlloyValue = string | number | boolean | null | AlloyRef | readonly AlloyValue[] | { readonly [key: string]: AlloyValue };

/** `name = value` inside a block or at the top level. */
export interface AlloyAttribute {
  readonly kind: "attribute";
  readonly name: string;
  readonly value: AlloyValue;
}

/** `name "label" { ... }`, e.g. `loki.write "default" { ... }` or `stage.decolorize {}`. */
export interface AlloyBlock {
  readonly kind: "block";
  readonly name: string;
  readonly label?: string;
  readonly body: readonly AlloyStatement[];
}

export type AlloyStatement = AlloyAttribute | AlloyBlock;

/** An attribute statement. */
export function attr(name: string, value: AlloyValue): AlloyAttribute {
  if (!IDENTIFIER.test(name)) throw new Error(`Alloy attribute name ${JSON.stringify(name)} is not an identifier`);
  return { kind: "attribute", name, value };
}

/** A block statement; `name` may be dotted (`stage.regex`), the label any string. */
export function block(name: string, label: string | undefined, body: readonly AlloyStatement[]): AlloyBlock {
  if (!IDENTIFIER.test(name) && !DOTTED_IDENTIFIER.test(name)) {
    throw new Error(`Alloy block name ${JSON.stringify(name)} is not an identifier`);
  }
  return { kind: "block", name, label, body };
}

/** A component reference value. */
export function ref(expression: string): AlloyRef {
  return new AlloyRef(expression);
}

/**
 * Quotes a string the way Alloy reads it: backslashes doubled, quotes and
 * control characters escaped (Go escape sequences, which Alloy uses).
 */
export function alloyString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === "\\") out += "\\\\";
    else if (char === '"') out += '\\"';
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += char;
  }
  return `${out}"`;
}

function objectKey(key: string): string {
  return IDENTIFIER.test(key) ? key : alloyString(key);
}

function formatValue(value: AlloyValue, depth: number): string {
  if (value === null) return "null";
  if (value instanceof AlloyRef) return value.expression;
  if (typeof value === "string") return alloyString(value);
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`Alloy has no literal for the number ${value}`);
    return String(value);
  }
  const inner = INDENT.repeat(depth + 1);
  const outer = INDENT.repeat(depth);
  if (Array.isArray(value)) {
    const items = (value as readonly AlloyValue[]).map((item) => formatValue(item, depth + 1));
    const oneLine = `[${items.join(", ")}]`;
    if (oneLine.length <= 80 && !items.some((item) => item.includes("\n"))) return oneLine;
    return `[\n${items.map((item) => `${inner}${item},`).join("\n")}\n${outer}]`;
  }
  const entries = Object.entries(value as { readonly [key: string]: AlloyValue });
  if (entries.length === 0) return "{}";
  const width = Math.max(...entries.map(([key]) => objectKey(key).length));
  const lines = entries.map(([key, item]) => `${inner}${objectKey(key).padEnd(width)} = ${formatValue(item, depth + 1)},`);
  return `{\n${lines.join("\n")}\n${outer}}`;
}

function formatBody(statements: readonly AlloyStatement[], depth: number): string[] {
  const indent = INDENT.repeat(depth);
  const lines: string[] = [];
  let index = 0;
  while (index < statements.length) {
    const statement = statements[index];
    if (statement.kind === "attribute") {
      // Align the `=` of consecutive attributes, as `alloy fmt` does.
      const run: AlloyAttribute[] = [];
      while (index < statements.length && statements[index].kind === "attribute") {
        run.push(statements[index] as AlloyAttribute);
        index += 1;
      }
      const width = Math.max(...run.map((a) => a.name.length));
      for (const a of run) lines.push(`${indent}${a.name.padEnd(width)} = ${formatValue(a.value, depth)}`);
    } else {
      if (lines.length > 0) lines.push("");
      const head = statement.label === undefined ? statement.name : `${statement.name} ${alloyString(statement.label)}`;
      if (statement.body.length === 0) {
        lines.push(`${indent}${head} {}`);
      } else {
        lines.push(`${indent}${head} {`, ...formatBody(statement.body, depth + 1), `${indent}}`);
      }
      index += 1;
      // Keep a blank line between a block and the attributes after it.
      if (index < statements.length && statements[index].kind === "attribute") lines.push("");
    }
  }
  return lines;
}

/** Writes a whole Alloy file, with `//` comment lines on top. */
export function formatAlloy(statements: readonly AlloyStatement[], headerComments: readonly string[] = []): string {
  const header = headerComments.map((line) => (line === "" ? "//" : `// ${line}`));
  const body = formatBody(statements, 0);
  return `${[...header, ...(header.length > 0 ? [""] : []), ...body].join("\n")}\n`;
}

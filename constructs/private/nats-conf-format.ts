/**
 * A writer for the nats-server configuration format. Values are plain data;
 * an {@link EnvReference} is written as `$NAME`, which nats-server resolves
 * from its environment, so secrets stay out of the file.
 */

/** A reference to an environment variable of the server's process. */
export class EnvReference {
  constructor(readonly variable: string) {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(variable)) throw new Error(`not an environment variable name: ${variable}`);
  }
}

/** A value of the nats-server configuration format. */
export type NatsConfValue = string | number | boolean | EnvReference | NatsConfValue[] | NatsConfBlock;

/** A block of keys; undefined members are left out. */
export interface NatsConfBlock {
  readonly [key: string]: NatsConfValue | undefined;
}

const BARE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Writes a block as the body of a nats-server configuration file. */
export function formatNatsConf(root: NatsConfBlock, header: readonly string[] = []): string {
  const lines = header.map((line) => `# ${line}`);
  lines.push(...formatMembers(root, ""));
  return `${lines.join("\n")}\n`;
}

function formatMembers(block: NatsConfBlock, indent: string): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(block)) {
    if (value === undefined) continue;
    const name = BARE_KEY.test(key) ? key : JSON.stringify(key);
    if (isBlock(value)) {
      lines.push(`${indent}${name} {`, ...formatMembers(value, `${indent}  `), `${indent}}`);
    } else {
      lines.push(`${indent}${name}: ${formatValue(value, indent)}`);
    }
  }
  return lines;
}

function formatValue(value: NatsConfValue, indent: string): string {
  if (value instanceof EnvReference) return `$${value.variable}`;
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const inner = `${indent}  `;
    return `[\n${value.map((item) => `${inner}${formatValue(item, inner)}`).join("\n")}\n${indent}]`;
  }
  const members = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${BARE_KEY.test(k) ? k : JSON.stringify(k)}: ${formatValue(v as NatsConfValue, indent)}`);
  return `{ ${members.join(", ")} }`;
}

function isBlock(value: NatsConfValue): value is NatsConfBlock {
  return typeof value === "object" && !Array.isArray(value) && !(value instanceof EnvReference);
}

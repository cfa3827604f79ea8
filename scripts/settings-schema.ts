/**
 * Generates schema/settings.schema.json, the JSON Schema of the settings,
 * from the props types themselves (NatsMonitoringStackProps and, for the
 * cdktf.json context, NatsMonitoringContext), with their JSDoc descriptions
 * and `@default`s, and schema/cdktf.schema.json, a schema for a whole
 * cdktf.json whose `context` holds the settings (for editor completion).
 *
 *   npm run schema            writes both files
 *
 * A test fails when the committed files differ from what this generates.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { _, Ajv, type KeywordCxt } from "ajv";
import standalone from "ajv/dist/standalone/index.js";
import {
  BaseType,
  type CompletedConfig,
  createFormatter,
  createParser,
  createProgram,
  DEFAULT_CONFIG,
  type Definition,
  SchemaGenerator,
  type SubNodeParser,
  type SubTypeFormatter,
} from "ts-json-schema-generator";
import ts from "typescript";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const SETTINGS_SCHEMA_PATH = `${ROOT}schema/settings.schema.json`;
export const CDKTF_SCHEMA_PATH = `${ROOT}schema/cdktf.schema.json`;
export const VALIDATOR_PATH = `${ROOT}constructs/private/settings-validator.generated.ts`;

/** The keyword that marks a value only the TypeScript/JavaScript API can give (a construct or a token). */
export const API_ONLY_KEYWORD = "x-api-only";

/**
 * Types whose values are not settings one writes in JSON: a construct, a
 * token, or a dashboard built in code. Their schema says what they are
 * instead of spelling out a class's internals.
 */
const API_ONLY_TYPES: Record<string, Definition & { [API_ONLY_KEYWORD]?: string }> = {
  TerraformVariable: {
    type: "object",
    [API_ONLY_KEYWORD]: "TerraformVariable",
    description: "TypeScript/JavaScript API only: a sensitive TerraformVariable construct.",
  },
  IResolvable: {
    type: "object",
    [API_ONLY_KEYWORD]: "IResolvable",
    description: "TypeScript/JavaScript API only: a Terraform token.",
  },
  DashboardJson: {
    type: "object",
    description: "A dashboard's JSON model, as the Grafana foundation SDK's DashboardBuilder.build() returns it.",
  },
};

class ApiOnlyType extends BaseType {
  constructor(readonly typeName: string) {
    super();
  }
  getId(): string {
    return `api-only-${this.typeName}`;
  }
}

/** Stops at the declarations named in API_ONLY_TYPES instead of walking into them. */
class ApiOnlyParser implements SubNodeParser {
  supportsNode(node: ts.Node): boolean {
    return (declarationName(node) ?? "") in API_ONLY_TYPES;
  }
  createType(node: ts.Node): BaseType {
    return new ApiOnlyType(declarationName(node) as string);
  }
}

class ApiOnlyFormatter implements SubTypeFormatter {
  supportsType(type: BaseType): boolean {
    return type instanceof ApiOnlyType;
  }
  getDefinition(type: ApiOnlyType): Definition {
    return { ...API_ONLY_TYPES[type.typeName] } as Definition;
  }
  getChildren(): BaseType[] {
    return [];
  }
}

function declarationName(node: ts.Node): string | undefined {
  if (ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return node.name?.text;
  return undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: a JSON Schema is untyped JSON.
type Schema = Record<string, any>;

/**
 * JSDoc `@default`s are often prose ("no prefix", "on 127.0.0.1:7777"). Keep
 * `default` only where the JSDoc wrote a JSON value, so that an editor never
 * inserts prose as a value; otherwise the prose goes into the description.
 */
function tidy(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) tidy(item);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const schema = node as Schema;
  if (typeof schema.fullDescription === "string") {
    const raw = /(?:^|\s)@default\s+((?:(?!\n@)[\s\S])*)/.exec(schema.fullDescription)?.[1]?.trim();
    delete schema.fullDescription;
    if (raw !== undefined) {
      let parsed: unknown;
      let isJson = true;
      try {
        parsed = JSON.parse(raw);
      } catch {
        isJson = false;
      }
      if (isJson) schema.default = parsed;
      else {
        delete schema.default;
        const prose = raw.replace(/\s+/g, " ");
        schema.description = schema.description ? `${schema.description} Default: ${prose}.` : `Default: ${prose}.`;
      }
    }
  }
  // An IDataSource (Grafana's additionalDataSources) may be a construct such
  // as a PrometheusStack, which has more members than `dataSource`.
  if (schema.type === "object" && schema.properties && Object.keys(schema.properties).join() === "dataSource") {
    schema.additionalProperties = true;
  }
  for (const value of Object.values(schema)) tidy(value);
}

/** The settings schema, as the committed file holds it. */
export function generateSettingsSchema(): Schema {
  const config: CompletedConfig = {
    ...DEFAULT_CONFIG,
    path: `${ROOT}constructs/private/context-settings.ts`,
    tsconfig: `${ROOT}tsconfig.json`,
    // Inline every type: an error then points into the property it is about.
    expose: "none",
    topRef: false,
    fullDescription: true,
    sortProps: false,
    // The type checker runs in `npm test` already.
    skipTypeCheck: true,
  };
  const program = createProgram(config);
  const parser = createParser(program, config, (chain) => chain.addNodeParser(new ApiOnlyParser()));
  const formatter = createFormatter(config, (chain) => chain.addTypeFormatter(new ApiOnlyFormatter()));
  const generator = new SchemaGenerator(program, parser, formatter, config);
  const definitions: Schema = {};
  for (const type of ["NatsMonitoringContext", "NatsMonitoringStackProps"]) {
    const { $schema: _, ...definition } = generator.createSchema(type) as Schema;
    tidy(definition);
    definitions[type] = definition;
  }
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "nats-jetstream-monitoring settings",
    description:
      "Settings of NatsMonitoringStack, as the cdktf.json context of the default app takes them. Generated from the props types by scripts/settings-schema.ts.",
    $ref: "#/definitions/NatsMonitoringContext",
    definitions,
  };
}

/**
 * The settings validator as standalone code (ajv's "standalone" output):
 * compiling the schema with ajv at every synth costs hundreds of
 * milliseconds, loading this module a few. It needs no ajv at run time.
 */
export function generateValidatorCode(schema: Schema): string {
  const ajv = new Ajv({
    // Every problem at once, with the schema that reported it (for the
    // allowed keys of a "did you mean" and the branches of an anyOf).
    allErrors: true,
    verbose: true,
    strict: true,
    code: { source: true, esm: true, lines: false },
    schemas: { settings: schema },
  });
  ajv.addKeyword({
    keyword: API_ONLY_KEYWORD,
    schemaType: "string",
    type: "object",
    // A construct or token is a class instance; a plain object from JSON
    // cannot stand in for one.
    code(cxt: KeywordCxt) {
      cxt.fail(_`Object.getPrototypeOf(${cxt.data}) === Object.prototype || Object.getPrototypeOf(${cxt.data}) === null`);
    },
  });
  const code = standalone.default(ajv, { validateStackProps: "settings#/definitions/NatsMonitoringStackProps" });
  return [
    "// @ts-nocheck",
    "// Generated by scripts/settings-schema.ts (npm run schema) from schema/settings.schema.json: do not edit.",
    code,
    "",
  ].join("\n");
}

/** A schema for a whole cdktf.json whose `context` holds the settings. */
export function cdktfJsonSchema(): Schema {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "cdktf.json of a nats-jetstream-monitoring project",
    description: "cdktf's own keys are left open; `context` is checked against the settings schema.",
    type: "object",
    properties: {
      $schema: { type: "string" },
      context: { $ref: "settings.schema.json#/definitions/NatsMonitoringContext" },
    },
  };
}

/** The text of a schema file: two-space JSON and a final newline. */
export function schemaText(schema: Schema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const schema = generateSettingsSchema();
  writeFileSync(SETTINGS_SCHEMA_PATH, schemaText(schema));
  writeFileSync(CDKTF_SCHEMA_PATH, schemaText(cdktfJsonSchema()));
  writeFileSync(VALIDATOR_PATH, generateValidatorCode(schema));
  process.stdout.write(`wrote ${SETTINGS_SCHEMA_PATH}, ${CDKTF_SCHEMA_PATH} and ${VALIDATOR_PATH}\n`);
}

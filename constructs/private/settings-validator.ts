import type { IConstruct } from "constructs";
import { closestNames, orList } from "./did-you-mean.js";
import { validateStackProps as generatedValidator } from "./settings-validator.generated.js";
import { PropValidationError, propError } from "./validation.js";

/** One error as ajv reports it (with `verbose`, so with the schema that reported it). */
interface SchemaError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
  readonly schema?: unknown;
  readonly parentSchema?: SchemaNode;
}

type SchemaNode = Record<string, unknown>;
type Validator = ((data: unknown) => boolean) & { errors?: SchemaError[] | null };

/** Generated from schema/settings.schema.json by scripts/settings-schema.ts. */
const validateStackProps = generatedValidator as Validator;

/** The schema keyword for values only code can give: a construct or a token (see scripts/settings-schema.ts). */
const API_ONLY = "x-api-only";
const SEE_DOCS = "see docs/settings.md for every setting";

/** One wrong setting: its path (e.g. `prometheus.retention`), value, rule and fix. */
export interface SettingsProblem {
  readonly prop: string;
  readonly value: unknown;
  readonly rule: string;
  readonly fix: string;
}

/** Several wrong settings at once: the message has one line per setting. */
export class SettingsError extends PropValidationError {
  constructor(readonly problems: readonly PropValidationError[]) {
    const [first] = problems;
    super(first.constructPath, first.prop, first.value, problems.map((problem) => problem.message).join("\n"));
    this.name = "SettingsError";
  }
}

/**
 * Checks NatsMonitoringStack props against the settings schema: unknown keys
 * (with a "did you mean"), wrong types ("false" is not false), wrong enum
 * values. Throws a PropValidationError for one problem and a SettingsError
 * for several; rules about values (ranges, formats) stay with the constructs.
 */
export function validateStackSettings(scope: IConstruct, props: unknown): void {
  // The default stack's props are {}: nothing to check, and the generated
  // validator is one large function that V8 would compile first (~13 ms).
  if (isEmptyPlainObject(props)) return;
  if (validateStackProps(props)) return;
  const problems = explainSchemaErrors(validateStackProps.errors ?? [], props);
  const errors = problems.map((problem) => propError(scope, problem.prop, problem.value, problem.rule, problem.fix));
  if (errors.length === 1) throw errors[0];
  throw new SettingsError(errors);
}

function isEmptyPlainObject(value: unknown): boolean {
  return (
    typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype && Reflect.ownKeys(value).length === 0
  );
}

/** Turns ajv's errors into one problem per wrong setting. */
export function explainSchemaErrors(errors: readonly SchemaError[], root: unknown): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  for (const error of withoutUnchosenBranches(errors)) {
    const problem = explain(error, root);
    if (problem && !problems.some((known) => known.prop === problem.prop)) problems.push(problem);
  }
  return problems;
}

/**
 * An `anyOf` (e.g. `surveyor`: settings or false) reports every branch's
 * errors. Keep the errors of the branch the value's kind fits (an object for
 * the settings branch), or, when no branch fits, only the anyOf itself.
 */
function withoutUnchosenBranches(errors: readonly SchemaError[]): SchemaError[] {
  let kept = [...errors];
  const anyOfs = errors.filter((error) => error.keyword === "anyOf").sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const anyOf of anyOfs) {
    if (!kept.includes(anyOf)) continue;
    const base = anyOf.schemaPath.slice(0, -"anyOf".length);
    const branchOf = (error: SchemaError) => {
      const match = error.schemaPath.startsWith(`${base}anyOf/`) ? /^(\d+)\//.exec(error.schemaPath.slice(base.length + 6)) : null;
      return match ? Number(match[1]) : undefined;
    };
    const kindMismatch = (branch: number) =>
      kept.some(
        (error) =>
          branchOf(error) === branch &&
          error.instancePath === anyOf.instancePath &&
          ["type", "const", "enum", API_ONLY].includes(error.keyword),
      );
    const branches = Array.isArray(anyOf.schema) ? anyOf.schema : [];
    const fitting = branches.map((_, index) => index).find((index) => !kindMismatch(index));
    kept = kept.filter((error) => {
      if (error === anyOf) return fitting === undefined;
      const branch = branchOf(error);
      return branch === undefined || branch === fitting;
    });
  }
  return kept;
}

function explain(error: SchemaError, root: unknown): SettingsProblem | undefined {
  const segments = pointerSegments(error.instancePath);
  const value = valueAt(root, segments);
  const prop = propPath(segments);
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(error.params.additionalProperty);
      const keyValue = valueAt(value, [key]);
      // `{ ...props, x: undefined }` sets nothing.
      if (keyValue === undefined) return undefined;
      const allowed = Object.keys((error.parentSchema?.properties as SchemaNode | undefined) ?? {});
      const close = closestNames(key, allowed);
      const fix =
        close.length > 0
          ? `did you mean ${orList(close.map((name) => propPath([...segments, name])))}?`
          : `the settings here are ${allowed.join(", ")}`;
      return { prop: propPath([...segments, key]), value: keyValue, rule: "is not a setting", fix };
    }
    case "type": {
      const type = String(error.params.type);
      return { prop: propPath(segments), value, rule: `must be ${describe({ type })}`, fix: typeFix(value, type) };
    }
    case "anyOf": {
      const branches = (Array.isArray(error.schema) ? error.schema : []) as SchemaNode[];
      const kinds = branches.map(describe);
      return { prop, value, rule: `must be ${orList(kinds)}`, fix: unquoteFix(value) ?? anyOfFix(branches) };
    }
    case "enum": {
      const allowed = ((error.params.allowedValues as unknown[]) ?? []).map(String);
      const close = typeof value === "string" ? closestNames(value, allowed) : [];
      return {
        prop,
        value,
        rule: `must be one of ${orList(allowed.map((item) => JSON.stringify(item)))}`,
        fix: close.length > 0 ? `did you mean ${JSON.stringify(close[0])}?` : "use one of them",
      };
    }
    case "const":
      return { prop, value, rule: `must be ${JSON.stringify(error.params.allowedValue)}`, fix: SEE_DOCS };
    case "required": {
      const missing = String(error.params.missingProperty);
      return { prop: propPath([...segments, missing]), value: undefined, rule: "is required", fix: "set it" };
    }
    case API_ONLY:
      return {
        prop,
        value,
        rule: `must be a ${String(error.schema)}, which only the TypeScript/JavaScript API can pass`,
        fix: "in JSON settings, give the variable's name as a string",
      };
    default:
      return { prop, value, rule: error.message ?? `breaks the schema's ${error.keyword} rule`, fix: SEE_DOCS };
  }
}

/** What a schema branch accepts, in words. */
function describe(schema: SchemaNode): string {
  if (typeof schema[API_ONLY] === "string") return `a ${schema[API_ONLY]} (TypeScript/JavaScript API only)`;
  if ("const" in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return orList(schema.enum.map((item) => JSON.stringify(item)));
  switch (schema.type) {
    case "object":
      return "an object";
    case "array":
      return "a list";
    case "boolean":
      return "true or false";
    case "number":
    case "integer":
      return "a number";
    case "string":
      return "a string";
    default:
      return String(schema.type ?? "something else");
  }
}

/** A string that is a JSON literal of the right kind: the quotes are the mistake. */
function unquoteFix(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  if (value === "true" || value === "false") return `write ${value} without quotes`;
  if (value.trim() !== "" && Number.isFinite(Number(value))) return `write ${value} without quotes`;
  return undefined;
}

function typeFix(value: unknown, type: string): string {
  const unquoted = unquoteFix(value);
  if (unquoted && (type === "boolean" || type === "number" || type === "integer")) return unquoted;
  switch (type) {
    case "boolean":
      return "write true or false, without quotes";
    case "number":
    case "integer":
      return "write a number, without quotes";
    case "string":
      return typeof value === "number" || typeof value === "boolean"
        ? `write it in quotes, e.g. ${JSON.stringify(String(value))}`
        : "write a string in quotes";
    case "array":
      return "write a list in [ ], e.g. [] for none";
    case "object":
      return "write an object in { }";
    default:
      return SEE_DOCS;
  }
}

function anyOfFix(branches: readonly SchemaNode[]): string {
  const hasFalse = branches.some((branch) => branch.const === false);
  const hasBoolean = branches.some((branch) => branch.type === "boolean" && !("const" in branch));
  const hasObject = branches.some((branch) => branch.type === "object" && branch[API_ONLY] === undefined);
  if (hasObject && hasFalse) return "write false, without quotes, to leave it out, or an object of its settings ({} for the defaults)";
  if (hasObject && hasBoolean) return "write true or false, without quotes, or an object of its settings";
  return SEE_DOCS;
}

function pointerSegments(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** `["prometheus", "retention"]` -> `prometheus.retention`; `["registryAuth", "0", "password"]` -> `registryAuth[0].password`. */
function propPath(segments: readonly string[]): string {
  let path = "";
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else path += path === "" ? segment : `.${segment}`;
  }
  return path === "" ? "props" : path;
}

function valueAt(root: unknown, segments: readonly string[]): unknown {
  let value = root;
  for (const segment of segments) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

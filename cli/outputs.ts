import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { OUTPUTS } from "../contract/index.js";
import { NatsmonError } from "./natsmon-error.js";
import type { OutputValues } from "./targets.js";

/** The stack's outputs and where they came from. */
export interface LoadedOutputs {
  /** A file, a stack folder, or "defaults" when none was found. */
  readonly source: string;
  readonly values: OutputValues;
}

/** Options of {@link loadOutputs}. */
export interface LoadOutputsOptions {
  /** The stack to pick from a cdktf outputs file or a cdktf.out folder with several stacks. */
  readonly stack?: string;
  /** Where to look for cdktf.out when no path is given. @default process.cwd() */
  readonly cwd?: string;
  /** Seconds `terraform output` may take. @default 60 */
  readonly terraformTimeoutSeconds?: number;
}

const STACKS_DIR = join("cdktf.out", "stacks");

/**
 * Reads the stack's outputs from:
 * - a JSON file: `terraform output -json` (values wrapped in `{ value, type,
 *   sensitive }`) or `cdktf output --outputs-file` (`{ "<stack>": { ... } }`);
 * - a stack folder (`cdktf.out/stacks/<stack>`): runs `terraform output -json` there;
 * - a project folder: its deployed stack under cdktf.out/stacks;
 * - nothing: the deployed stack under ./cdktf.out/stacks if there is one,
 *   otherwise no outputs (the defaults and flags apply).
 */
export async function loadOutputs(path: string | undefined, options: LoadOutputsOptions = {}): Promise<LoadedOutputs> {
  if (path === undefined || path === "") {
    const stackDir = findDeployedStack(resolve(options.cwd ?? process.cwd()), options.stack, false);
    return stackDir ? readStackFolder(stackDir, options) : { source: "defaults", values: {} };
  }
  const full = resolve(options.cwd ?? process.cwd(), path);
  if (!existsSync(full)) {
    throw new NatsmonError(
      `outputs not found: ${full}`,
      "pass a stack folder (cdktf.out/stacks/<stack>) or a JSON file from `cdktf output --outputs-file`",
    );
  }
  if (statSync(full).isDirectory()) {
    const stackDir = existsSync(join(full, STACKS_DIR)) ? findDeployedStack(full, options.stack, true) : full;
    return readStackFolder(stackDir as string, options);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(full, "utf8"));
  } catch (error) {
    throw new NatsmonError(
      `${full} is not JSON: ${(error as Error).message}`,
      "write it with `terraform output -json > FILE` or `cdktf output --outputs-file FILE`",
    );
  }
  return { source: full, values: parseOutputsJson(json, options.stack, full) };
}

/**
 * Understands both JSON shapes: terraform's (each output wrapped in
 * `{ value, type, sensitive }`) and cdktf's outputs file (plain values, under
 * the stack's name).
 */
export function parseOutputsJson(json: unknown, stack: string | undefined, source = "the outputs"): OutputValues {
  if (!isObject(json)) throw new NatsmonError(`${source} is not a JSON object of outputs`);
  const entries = Object.entries(json);
  if (entries.length === 0) return {};
  if (entries.every(([, entry]) => isObject(entry) && "value" in entry && ("type" in entry || "sensitive" in entry))) {
    return Object.fromEntries(entries.map(([name, entry]) => [name, (entry as { value: unknown }).value]));
  }
  if (OUTPUTS.natsUrl in json || entries.some(([, entry]) => !isObject(entry))) return json;
  const stacks = entries.map(([name]) => name);
  const chosen = stack ?? (stacks.length === 1 ? stacks[0] : undefined);
  if (chosen === undefined || !isObject(json[chosen])) {
    throw new NatsmonError(
      `${source} holds the outputs of ${stacks.length} stacks (${stacks.join(", ")})${stack ? `, none named ${stack}` : ""}`,
      "pick one with --stack NAME",
    );
  }
  return json[chosen];
}

/**
 * The folder of the deployed stack under `<project>/cdktf.out/stacks`: one
 * that `cdktf deploy` initialized (it has a .terraform folder).
 */
function findDeployedStack(project: string, stack: string | undefined, required: boolean): string | undefined {
  const stacksDir = join(project, STACKS_DIR);
  const deployed = existsSync(stacksDir) ? readdirSync(stacksDir).filter((name) => existsSync(join(stacksDir, name, ".terraform"))) : [];
  const chosen = stack ?? (deployed.length === 1 ? deployed[0] : undefined);
  if (chosen !== undefined && deployed.includes(chosen)) return join(stacksDir, chosen);
  if (!required && deployed.length === 0 && stack === undefined) return undefined;
  throw new NatsmonError(
    deployed.length === 0
      ? `no deployed stack under ${stacksDir}${stack ? ` named ${stack}` : ""}`
      : `${deployed.length} deployed stacks under ${stacksDir} (${deployed.join(", ")})${stack ? `, none named ${stack}` : ""}`,
    deployed.length === 0 ? "deploy the stack (npx cdktf deploy) or pass the endpoints as flags" : "pick one with --stack NAME",
  );
}

/** Runs `terraform output -json` in a stack folder. */
async function readStackFolder(dir: string, options: LoadOutputsOptions): Promise<LoadedOutputs> {
  const stdout = await new Promise<string>((done, reject) => {
    execFile(
      "terraform",
      ["output", "-json", "-no-color"],
      {
        cwd: dir,
        timeout: (options.terraformTimeoutSeconds ?? 60) * 1000,
        maxBuffer: 16 * 1024 ** 2,
        env: { ...process.env, TF_IN_AUTOMATION: "1" },
      },
      (error, out, err) => {
        if (!error) return done(out);
        if ((error as NodeJS.ErrnoException).code === "ENOENT") {
          return reject(
            new NatsmonError(
              "terraform is not installed, so the stack's outputs cannot be read",
              "install Terraform, or pass a JSON file from `cdktf output --outputs-file`",
            ),
          );
        }
        const said = (err || error.message).trim().split("\n").filter(Boolean).slice(0, 3).join(" ");
        reject(
          new NatsmonError(
            `\`terraform output -json\` failed in ${dir}: ${said}`,
            "deploy the stack first (npx cdktf deploy), or pass a JSON file from `cdktf output --outputs-file`",
          ),
        );
      },
    );
  });
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new NatsmonError(`\`terraform output -json\` in ${dir} did not print JSON`);
  }
  const values = parseOutputsJson(json, options.stack, dir);
  if (Object.keys(values).length === 0) {
    throw new NatsmonError(`the stack in ${dir} has no outputs`, "deploy it first (npx cdktf deploy)");
  }
  return { source: dir, values };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

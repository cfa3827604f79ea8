import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TerraformCli } from "../../cli/rollout/terraform-cli.js";
import { emulatedAddress, emulatePlan, originalAddress, type TerraformJson } from "./emulate-plan.js";

type JsonObject = Record<string, unknown>;

/** `triggers_replace` and `input` of an emulated resource merged back into one attribute object. */
function attributesOf(values: unknown): JsonObject | null {
  if (!values || typeof values !== "object") return null;
  const { triggers_replace: triggers, input } = values as { triggers_replace?: unknown; input?: unknown };
  return { ...(triggers && typeof triggers === "object" ? triggers : {}), ...(input && typeof input === "object" ? input : {}) };
}

/**
 * `terraform show -json` of an emulated plan, rewritten into the shape the
 * real providers' plan has as far as a reader of resource addresses, types,
 * actions, attributes and depends_on sees it.
 */
export function deEmulateShow(shown: JsonObject): JsonObject {
  const changes = (shown.resource_changes as JsonObject[] | undefined)?.map((change) => {
    const address = originalAddress(change.address as string);
    const inner = change.change as { actions: string[]; before?: unknown; after?: unknown };
    return {
      ...change,
      address,
      type: address.split(".")[0],
      change: { ...inner, before: attributesOf(inner.before), after: attributesOf(inner.after) },
    };
  });
  const configuration = shown.configuration as { root_module?: { resources?: JsonObject[] } } | undefined;
  const resources = configuration?.root_module?.resources?.map((resource) => ({
    ...resource,
    address: originalAddress(resource.address as string),
    ...(resource.depends_on ? { depends_on: (resource.depends_on as string[]).map(originalAddress) } : {}),
  }));
  return {
    ...shown,
    resource_changes: changes,
    configuration: { ...configuration, root_module: { ...configuration?.root_module, resources } },
  };
}

/**
 * A {@link TerraformCli} that runs the rollout's real command lines with
 * real Terraform on the offline emulation (terraform_data for every docker
 * and random resource) in `dir`: `-chdir` is replaced by `dir`, `-target`
 * addresses are mapped to their emulated ones, `show -json` is mapped back.
 * Every command line is recorded exactly as the rollout gave it.
 */
export class EmulatedTerraformCli implements TerraformCli {
  /** The command lines, as the rollout passed them. */
  readonly commands: string[][] = [];

  constructor(
    readonly dir: string,
    private readonly binary = "terraform",
  ) {}

  /** Writes the synthesized configuration the next plan reads (the state stays). */
  synthesize(synthesized: TerraformJson): void {
    writeFileSync(join(this.dir, "main.tf.json"), JSON.stringify(emulatePlan(synthesized), null, 2));
  }

  async run(args: readonly string[]): Promise<string> {
    this.commands.push([...args]);
    const mapped = args
      .filter((arg) => !arg.startsWith("-chdir="))
      .map((arg) => (arg.startsWith("-target=") ? `-target=${emulatedAddress(arg.slice("-target=".length))}` : arg));
    const command = mapped[0];
    const flags = command === "show" ? ["-no-color"] : ["-no-color", "-lock=false", "-refresh=false"];
    writeFileSync(join(this.dir, "empty.tfrc"), "");
    // Flags go right after the subcommand: a saved plan file must stay the last argument.
    // Asynchronous: a caller that keeps clients busy meanwhile (the live rollout tests' publishers)
    // must not have its event loop blocked for as long as Terraform runs.
    const result = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve, reject) => {
      execFile(
        this.binary,
        [command as string, ...flags, ...mapped.slice(1)],
        {
          cwd: this.dir,
          encoding: "utf8",
          maxBuffer: 64 * 1024 * 1024,
          timeout: 120_000,
          env: {
            ...process.env,
            CHECKPOINT_DISABLE: "1",
            TF_IN_AUTOMATION: "1",
            TF_INPUT: "0",
            TF_CLI_CONFIG_FILE: join(this.dir, "empty.tfrc"),
          },
        },
        (error, stdout, stderr) => {
          if (error && typeof error.code !== "number") reject(error);
          else resolve({ status: error ? (error.code as number) : 0, stdout, stderr });
        },
      );
    });
    if (result.status !== 0)
      throw new Error(`terraform ${mapped.join(" ")} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
    return command === "show" ? JSON.stringify(deEmulateShow(JSON.parse(result.stdout) as JsonObject)) : result.stdout;
  }
}

import { spawn } from "node:child_process";
import { NatsmonError } from "../natsmon-error.js";

/**
 * Runs one `terraform` command line. The rollout only ever talks to
 * Terraform through this, so tests can run the same command lines against
 * real Terraform over an offline emulation of the plan and record them.
 */
export interface TerraformCli {
  /** Runs `terraform ...args` with `env` added; resolves with its stdout, rejects when it fails. */
  run(args: readonly string[], env?: Readonly<Record<string, string>>): Promise<string>;
}

/** The environment every rollout command runs with: no prompts, no colour, no update check. */
export const TERRAFORM_ENV = { TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1" } as const;

/** The exact command lines of a rollout, all against the synthesized stack folder. */
export const terraformCommands = {
  /** Plans the whole stack into a saved plan file. */
  plan: (stackDir: string, planFile: string) => [`-chdir=${stackDir}`, "plan", "-input=false", `-out=${planFile}`],
  /** Prints a saved plan as JSON (Terraform's own format, `terraform show -json`). */
  show: (stackDir: string, planFile: string) => [`-chdir=${stackDir}`, "show", "-json", planFile],
  /** Applies one node: the resource and whatever Terraform says it depends on (its image, volume). */
  applyTarget: (stackDir: string, address: string) => [
    `-chdir=${stackDir}`,
    "apply",
    "-input=false",
    "-auto-approve",
    `-target=${address}`,
  ],
  /** Applies a saved plan (made after the targeted applies, so it is not stale). */
  applyPlan: (stackDir: string, planFile: string) => [`-chdir=${stackDir}`, "apply", "-input=false", planFile],
};

/** The real `terraform` binary; stderr is passed through so the operator sees Terraform's own errors. */
export function spawnTerraform(binary = "terraform"): TerraformCli {
  return {
    run: (args, env = {}) =>
      new Promise((resolve, reject) => {
        const child = spawn(binary, [...args], { env: { ...process.env, ...TERRAFORM_ENV, ...env }, stdio: ["ignore", "pipe", "inherit"] });
        const chunks: Buffer[] = [];
        child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
        child.on("error", (error) =>
          reject(
            new NatsmonError(
              `cannot run ${binary}: ${error.message}`,
              "install Terraform (https://developer.hashicorp.com/terraform/install) or put it on PATH",
            ),
          ),
        );
        child.on("close", (code) => {
          const stdout = Buffer.concat(chunks).toString("utf8");
          if (code === 0) resolve(stdout);
          else reject(new NatsmonError(`terraform ${args.join(" ")} failed (exit ${code})`, "read Terraform's message above"));
        });
      }),
  };
}

/** A command line as an operator would type it, for --dry-run and resume hints. */
export function shellLine(args: readonly string[]): string {
  return ["terraform", ...args].map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`)).join(" ");
}

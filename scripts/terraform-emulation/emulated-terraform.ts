import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { emulatePlan, originalAddress, type TerraformJson } from "./emulate-plan.js";

/** What Terraform plans for one resource, in plain words. */
export type ChangeKind = "create" | "update" | "replace" | "delete" | "forget" | "no-op" | "read";

/** One entry of a plan's resource_changes, with the original (un-emulated) address. */
export interface ResourceChange {
  /** The address in the synthesized plan, e.g. `docker_volume.Nats_node4-data_4F1A2B3C`. */
  readonly address: string;
  /** The resource type in the synthesized plan, e.g. `docker_volume`. */
  readonly type: string;
  readonly kind: ChangeKind;
  /** For a replacement: "delete-then-create" (Terraform's default) or "create-then-delete". */
  readonly replaceOrder?: "delete-then-create" | "create-then-delete";
  /** Terraform's action_reason, e.g. `replace_because_cannot_update`, `delete_because_no_resource_config`. */
  readonly reason?: string;
  /** The `name` attribute (container, volume, image, network name), when the resource has one. */
  readonly name?: string;
}

/** One step of an apply, in the order Terraform finished them. */
export interface ApplyStep {
  readonly address: string;
  readonly action: "create" | "delete" | "update" | "replace";
}

/** The outcome of `terraform plan`: the changes, or Terraform's error. */
export type PlanOutcome = { readonly ok: true; readonly changes: ResourceChange[] } | { readonly ok: false; readonly error: string };

interface RawChange {
  address: string;
  mode: string;
  change: { actions: string[]; before?: { triggers_replace?: { name?: string } }; after?: { triggers_replace?: { name?: string } } };
  action_reason?: string;
}

function kindOf(actions: string[]): Pick<ResourceChange, "kind" | "replaceOrder"> {
  const joined = actions.join(",");
  if (joined === "delete,create") return { kind: "replace", replaceOrder: "delete-then-create" };
  if (joined === "create,delete") return { kind: "replace", replaceOrder: "create-then-delete" };
  if (["create", "update", "delete", "forget", "no-op", "read"].includes(joined)) return { kind: joined as ChangeKind };
  throw new Error(`unexpected plan actions ${JSON.stringify(actions)}`);
}

/**
 * Real Terraform on an emulated configuration (see {@link emulatePlan}) in
 * its own folder, with its own local state: `apply` a synthesized plan to
 * stand for what is deployed, then `plan` the next one to see what a change
 * does. Offline: only built-in resources, so `init` downloads nothing. Every
 * run skips refresh and locking (nothing else touches the state) and prints
 * no colour.
 */
export class EmulatedTerraform {
  private initialized = false;

  /** @param dir an empty folder that the state and plan files go into */
  constructor(
    readonly dir: string,
    private readonly binary = "terraform",
  ) {}

  /** Applies the configuration and returns the steps in the order Terraform completed them. */
  apply(synthesized: TerraformJson): ApplyStep[] {
    this.write(synthesized);
    const out = this.run(["apply", "-auto-approve", "-input=false", "-json"]);
    const steps: ApplyStep[] = [];
    for (const line of out.split("\n")) {
      if (!line.startsWith("{")) continue;
      const event = JSON.parse(line) as { type?: string; hook?: { resource?: { addr?: string }; action?: string } };
      if (event.type !== "apply_complete" || !event.hook?.resource?.addr) continue;
      steps.push({ address: originalAddress(event.hook.resource.addr), action: event.hook.action as ApplyStep["action"] });
    }
    return steps;
  }

  /** Plans the configuration against the applied state; Terraform's error instead when it refuses. */
  tryPlan(synthesized: TerraformJson): PlanOutcome {
    this.write(synthesized);
    const plan = this.spawn(["plan", "-input=false", "-out=next.tfplan"]);
    if (plan.status !== 0) return { ok: false, error: `${plan.stdout}\n${plan.stderr}` };
    const shown = JSON.parse(this.run(["show", "-json", "next.tfplan"])) as { resource_changes?: RawChange[] };
    const changes = (shown.resource_changes ?? [])
      .filter((change) => change.mode === "managed")
      .map((change): ResourceChange => {
        const address = originalAddress(change.address);
        const name = change.change.after?.triggers_replace?.name ?? change.change.before?.triggers_replace?.name;
        return {
          address,
          type: address.split(".")[0] as string,
          ...kindOf(change.change.actions),
          ...(change.action_reason ? { reason: change.action_reason } : {}),
          ...(typeof name === "string" ? { name } : {}),
        };
      });
    return { ok: true, changes };
  }

  /** Plans the configuration against the applied state; throws Terraform's error when it refuses. */
  plan(synthesized: TerraformJson): ResourceChange[] {
    const outcome = this.tryPlan(synthesized);
    if (!outcome.ok) throw new Error(`terraform plan failed:\n${outcome.error}`);
    return outcome.changes;
  }

  private write(synthesized: TerraformJson): void {
    writeFileSync(join(this.dir, "main.tf.json"), JSON.stringify(emulatePlan(synthesized), null, 2));
    if (!this.initialized) {
      this.run(["init", "-input=false", "-backend=false"]);
      this.initialized = true;
    }
  }

  private spawn(args: string[]) {
    const noState = args[0] === "init" || args[0] === "show";
    const flags = noState ? ["-no-color"] : ["-no-color", "-lock=false", "-refresh=false", "-parallelism=10"];
    return spawnSync(this.binary, [...args, ...flags], {
      cwd: this.dir,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      timeout: 60_000,
      env: {
        ...process.env,
        CHECKPOINT_DISABLE: "1",
        TF_IN_AUTOMATION: "1",
        TF_INPUT: "0",
        // An empty CLI config: no ~/.terraformrc warning, no plugin cache, no credentials.
        TF_CLI_CONFIG_FILE: this.cliConfig(),
      },
    });
  }

  private run(args: string[]): string {
    const result = this.spawn(args);
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`terraform ${args[0]} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  }

  private cliConfig(): string {
    const path = join(this.dir, "empty.tfrc");
    writeFileSync(path, "");
    return path;
  }
}

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { TerraformCli } from "../../cli/rollout/terraform-cli.js";
import { originalAddress, type TerraformJson } from "../../scripts/terraform-emulation/emulate-plan.js";
import { EmulatedTerraform } from "../../scripts/terraform-emulation/emulated-terraform.js";
import { EmulatedTerraformCli } from "../../scripts/terraform-emulation/emulated-terraform-cli.js";
import type { Plan } from "../helpers/plan.js";
import type { PlanReplayer } from "./plan-replayer.js";

/** What one apply did to the engine's NATS node containers, in order. */
export interface EngineStep {
  readonly name: string;
  readonly action: "destroy" | "create";
  /** When it began, ms since the epoch. */
  readonly at: number;
  /** How long it took: for a destroy the graceful stop (lame duck), for a create the start until healthy. */
  readonly ms: number;
}

/**
 * A {@link TerraformCli} for the live rollout tests: real Terraform over
 * the offline emulation (every docker and random resource a terraform_data)
 * decides what each apply changes, exactly as with the real providers; and
 * after each apply the Docker engine follows it for the NATS node
 * containers, as the docker provider would: a container whose emulated
 * resource Terraform destroyed (replaced or removed) is stopped with its
 * plan's grace period, through its stop signal (lame duck), and removed,
 * its volumes kept; a container Terraform created is created from the new
 * plan by the plan replayer, started and waited for (the plan's `wait`).
 * Only NATS nodes follow: the other parts of the stack are not running in
 * these tests.
 */
export class LiveTerraformCli implements TerraformCli {
  /** Every engine step, for the assertions. */
  readonly steps: EngineStep[] = [];
  private readonly emulated: EmulatedTerraformCli;
  /** The replayer whose plan each running NATS container was created from. */
  private readonly specOf = new Map<string, PlanReplayer>();
  private next: PlanReplayer;

  /**
   * `deployed` has already created `running` on the engine; the emulated
   * state in `dir` gets that plan applied, so both stand for the deployment.
   */
  constructor(
    readonly dir: string,
    deployed: { plan: Plan; replayer: PlanReplayer; running: readonly string[] },
  ) {
    new EmulatedTerraform(dir).apply(deployed.plan as unknown as TerraformJson);
    this.emulated = new EmulatedTerraformCli(dir);
    for (const name of deployed.running) this.specOf.set(name, deployed.replayer);
    this.next = deployed.replayer;
  }

  /** The command lines as the rollout gave them. */
  get commands(): string[][] {
    return this.emulated.commands;
  }

  /** Writes the next synthesis: what the next plan reads and what created containers are made from. */
  synthesize(plan: Plan): void {
    this.emulated.synthesize(plan as unknown as TerraformJson);
    this.next = this.next.successor(plan);
  }

  async run(args: readonly string[]): Promise<string> {
    const subcommand = args.find((arg) => !arg.startsWith("-"));
    if (subcommand !== "apply") return this.emulated.run(args);
    const before = await this.containerIds();
    const out = await this.emulated.run(args);
    const after = await this.containerIds();
    // Delete-then-create, as the provider replaces a container whose name is unique.
    for (const [name, id] of before) {
      if (after.get(name) === id) continue;
      const spec = this.specOf.get(name);
      if (!spec) continue; // Not a container these tests run.
      const at = Date.now();
      this.steps.push({ name, action: "destroy", at, ms: await spec.destroy(name) });
      this.specOf.delete(name);
    }
    const created = [...after].filter(([name, id]) => before.get(name) !== id && this.next.isNatsNode(name)).map(([name]) => name);
    if (created.length > 0) {
      const at = Date.now();
      await this.next.apply(created);
      for (const name of created) {
        this.specOf.set(name, this.next);
        this.steps.push({ name, action: "create", at, ms: Date.now() - at });
      }
    }
    return out;
  }

  /** Container name -> emulated resource id, from the emulated state: a new id is a new container. */
  private async containerIds(): Promise<Map<string, string>> {
    // Asynchronous, like every Terraform run here: the publishers share this event loop.
    const shown = await promisify(execFile)("terraform", ["show", "-json", "-no-color"], {
      cwd: this.dir,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      timeout: 60_000,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: `${this.dir}/empty.tfrc` },
    });
    const state = JSON.parse(shown.stdout) as {
      values?: { root_module?: { resources?: { address: string; values: { id: string; triggers_replace?: { name?: string } } }[] } };
    };
    const ids = new Map<string, string>();
    for (const resource of state.values?.root_module?.resources ?? []) {
      const name = resource.values.triggers_replace?.name;
      if (originalAddress(resource.address).startsWith("docker_container.") && name) ids.set(name, resource.values.id);
    }
    return ids;
  }
}

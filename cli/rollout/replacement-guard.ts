import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ALLOW_NATS_REPLACE_ENV, COMPONENTS, LABELS } from "../../contract/index.js";
import { NatsmonError } from "../natsmon-error.js";

interface SynthesizedContainer {
  readonly name?: string;
  readonly labels?: readonly { label?: string; value?: string }[];
  readonly lifecycle?: { prevent_destroy?: boolean };
}

/**
 * The NATS node containers of a synthesized stack (`cdk.tf.json`) that
 * carry `prevent_destroy`: the guard that keeps a plain apply from replacing
 * them. Terraform refuses any plan that replaces them, so the rollout needs
 * the stack synthesized without it (NATSMON_ALLOW_NATS_REPLACE=1).
 */
export function guardedNodes(synthesized: { resource?: { docker_container?: Record<string, SynthesizedContainer> } }): string[] {
  return Object.values(synthesized.resource?.docker_container ?? {})
    .filter((container) => container.labels?.some((entry) => entry.label === LABELS.component && entry.value === COMPONENTS.nats))
    .filter((container) => container.lifecycle?.prevent_destroy === true)
    .map((container) => String(container.name));
}

/** Refuses to plan a rollout on a stack synthesized with the guard on. */
export function requireRolloutSynth(stackDir: string): void {
  const file = join(stackDir, "cdk.tf.json");
  if (!existsSync(file)) return; // Terraform itself says what is missing.
  const guarded = guardedNodes(JSON.parse(readFileSync(file, "utf8")));
  if (guarded.length === 0) return;
  throw new NatsmonError(
    `${file} protects the NATS node containers (${guarded.join(", ")}) with prevent_destroy, so Terraform refuses to replace any of them`,
    `synthesize the stack for the rollout: ${ALLOW_NATS_REPLACE_ENV}=1 npx cdktf synth, then run natsmon rollout again (a later plain cdktf deploy synthesizes with the guard on again)`,
  );
}

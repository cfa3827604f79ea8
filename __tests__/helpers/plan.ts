import { type App, type TerraformStack, Testing } from "cdktf";
import { NatsMonitoringStack, type NatsMonitoringStackProps } from "../../index.js";

/** A resource block of the synthesized cdk.tf.json. */
export type PlanResource = Record<string, any>;

/** The parts of a synthesized cdk.tf.json that tests read. */
export interface Plan {
  readonly resource: Record<string, Record<string, PlanResource>>;
  readonly output?: Record<string, { value: unknown; sensitive?: boolean }>;
  readonly provider?: Record<string, unknown[]>;
}

/** The synthesized JSON text and its parsed plan. */
export interface Synthesized {
  readonly json: string;
  readonly plan: Plan;
}

/** Synthesizes any stack. */
export function synthesize(stack: TerraformStack): Synthesized {
  const json = Testing.synth(stack);
  return { json, plan: JSON.parse(json) as Plan };
}

/** Synthesizes a NatsMonitoringStack with the given props in a fresh app. */
export function synthStack(props: NatsMonitoringStackProps = {}, app: App = Testing.app()): Synthesized {
  return synthesize(new NatsMonitoringStack(app, "test", props));
}

/** Every resource of one type, keyed by logical id. */
export function resourcesOf(plan: Plan, type: string): Record<string, PlanResource> {
  return plan.resource[type] ?? {};
}

/** The docker_container resources keyed by container name. */
export function containersByName(plan: Plan): Record<string, PlanResource> {
  return Object.fromEntries(Object.values(resourcesOf(plan, "docker_container")).map((c) => [c.name as string, c]));
}

/** One container by name; fails when it is not in the plan. */
export function container(plan: Plan, name: string): PlanResource {
  const found = containersByName(plan)[name];
  if (!found) throw new Error(`no container named ${name}; the plan has ${Object.keys(containersByName(plan)).join(", ")}`);
  return found;
}

/** The content of the file a container uploads at `path`. */
export function uploadedFile(resource: PlanResource, path: string): string {
  const upload = (resource.upload as { file: string; content: string }[] | undefined)?.find((u) => u.file === path);
  if (!upload) throw new Error(`${resource.name} uploads no ${path}`);
  return upload.content;
}

/** A container's labels as a record. */
export function labelsOf(resource: PlanResource): Record<string, string> {
  return Object.fromEntries((resource.labels as { label: string; value: string }[]).map((l) => [l.label, l.value]));
}

/** A resource without the cdktf metadata that records its construct path. */
export function withoutMetadata(resource: PlanResource): PlanResource {
  const { "//": _metadata, ...rest } = resource;
  return rest;
}

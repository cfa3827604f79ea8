import { COMPONENTS, LABELS } from "../../contract/index.js";

/** One entry of `resource_changes` in `terraform show -json`, as far as the rollout reads it. */
export interface PlanResourceChange {
  readonly address: string;
  readonly type: string;
  readonly mode?: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before?: Readonly<Record<string, unknown>> | null;
    readonly after?: Readonly<Record<string, unknown>> | null;
  };
}

/** One resource of `configuration.root_module.resources`. */
export interface PlanConfigResource {
  readonly address: string;
  readonly depends_on?: readonly string[];
}

/** `terraform show -json PLANFILE`, as far as the rollout reads it. */
export interface PlanJson {
  readonly resource_changes?: readonly PlanResourceChange[];
  readonly configuration?: { readonly root_module?: { readonly resources?: readonly PlanConfigResource[] } };
}

/** A NATS node container the plan changes. */
export interface PlannedNode {
  /** Its resource address, e.g. `docker_container.NatsCluster_node1_Container_1A2B3C4D`. */
  readonly address: string;
  /** Its container name = the nats-server's server_name. */
  readonly name: string;
  /** The addresses of the other node containers it must start after (`depends_on`). */
  readonly dependsOn: readonly string[];
}

/** What the plan does to the NATS nodes. */
export interface NatsNodeChanges {
  /** Destroyed and created again (delete-then-create: the container name is unique). */
  readonly replaced: readonly PlannedNode[];
  /** Destroyed for good: scale-in. */
  readonly removed: readonly PlannedNode[];
  /** Created: scale-out, which is safe as one apply (new nodes join as a chain). */
  readonly created: readonly PlannedNode[];
}

function isNatsNode(values: Readonly<Record<string, unknown>> | null | undefined): boolean {
  const labels = values?.labels;
  if (!Array.isArray(labels)) return false;
  return labels.some(
    (entry: { label?: unknown; value?: unknown }) => entry?.label === LABELS.component && entry?.value === COMPONENTS.nats,
  );
}

/**
 * Finds the NATS node containers in Terraform's plan: docker_container
 * resources labelled `natsmon.component=nats`, by what the plan does to
 * them. The labels are read from the plan itself (before for a delete,
 * after otherwise), never from the constructs, so it works on any plan.
 */
export function natsNodeChanges(plan: PlanJson): NatsNodeChanges {
  const dependsOn = new Map((plan.configuration?.root_module?.resources ?? []).map((r) => [r.address, r.depends_on ?? []]));
  const replaced: PlannedNode[] = [];
  const removed: PlannedNode[] = [];
  const created: PlannedNode[] = [];
  for (const change of plan.resource_changes ?? []) {
    if (change.type !== "docker_container" || (change.mode ?? "managed") !== "managed") continue;
    const actions = change.change.actions.join(",");
    const values = actions === "delete" ? change.change.before : change.change.after;
    if (!isNatsNode(values) && !isNatsNode(change.change.before)) continue;
    const name = String(values?.name ?? change.change.before?.name ?? change.address);
    const node = { address: change.address, name, dependsOn: dependsOn.get(change.address) ?? [] };
    if (actions === "delete,create" || actions === "create,delete") replaced.push(node);
    else if (actions === "delete") removed.push(node);
    else if (actions === "create") created.push(node);
  }
  const byName = (a: PlannedNode, b: PlannedNode) => a.name.localeCompare(b.name, "en", { numeric: true });
  return { replaced: replaced.sort(byName), removed: removed.sort(byName), created: created.sort(byName) };
}

/** Whether the plan changes anything at all (no-ops and reads left out). */
export function planHasChanges(plan: PlanJson): boolean {
  return (plan.resource_changes ?? []).some((change) => !change.change.actions.every((action) => action === "no-op" || action === "read"));
}

/** How many NATS node containers the plan knows of, before it is applied (removed ones included). */
export function natsNodeCount(plan: PlanJson): number {
  return (plan.resource_changes ?? []).filter(
    (change) =>
      change.type === "docker_container" &&
      (isNatsNode(change.change.before) || isNatsNode(change.change.after)) &&
      change.change.actions.join(",") !== "create",
  ).length;
}

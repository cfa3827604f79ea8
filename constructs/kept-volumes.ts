import { TerraformElement, TerraformStack } from "cdktf";
import { Construct } from "constructs";

/**
 * A data volume's place in the construct tree: the construct ids from a scope
 * down to the volume, e.g. `["node4-data"]` under a NatsCluster, or
 * `["Grafana", "data"]` under the stack.
 */
export type VolumePath = readonly string[];

/** Every Volume resource is `docker_volume.<logical id>`. */
const VOLUME_TYPE = "docker_volume";

/**
 * The data volumes of the parts NatsMonitoringStack can turn off, relative to
 * the stack (its part ids, then each part's volume id). A test builds the
 * full configuration and checks these against its real addresses.
 */
export const STACK_PART_VOLUME_PATHS: readonly VolumePath[] = [
  ["Prometheus", "data"],
  ["Prometheus", "Alertmanager", "data"],
  ["Loki", "data"],
  ["Loki", "Collector", "data"],
  ["Loki", "Collector", "promtail-data"],
  ["Grafana", "data"],
];

/** The most nodes a NatsCluster can have. */
const MAX_NATS_NODES = 15;

/** The data volumes of NATS nodes `firstNode`..15, relative to the NatsCluster. */
export function natsNodeVolumePaths(firstNode: number): VolumePath[] {
  const paths: VolumePath[] = [];
  for (let node = firstNode; node <= MAX_NATS_NODES; node++) paths.push([`node${node}-data`]);
  return paths;
}

/**
 * The Terraform address a volume at `path` under `scope` has, or would have,
 * computed by the stack's own logical-id scheme: absent constructs are added
 * for the moment it takes to read the id, then removed again.
 */
export function volumeAddress(scope: Construct, path: VolumePath): string {
  const stack = TerraformStack.of(scope);
  let parent = scope;
  let firstAdded: { parent: Construct; id: string } | undefined;
  for (const id of path) {
    const existing = parent.node.tryFindChild(id);
    if (existing) {
      parent = existing as Construct;
      continue;
    }
    firstAdded ??= { parent, id };
    parent = new Construct(parent, id);
  }
  try {
    return `${VOLUME_TYPE}.${stack.getLogicalId(parent.node)}`;
  } finally {
    if (firstAdded) firstAdded.parent.node.tryRemoveChild(firstAdded.id);
  }
}

function isDeclared(scope: Construct, path: VolumePath): boolean {
  let node: Construct | undefined = scope;
  for (const id of path) node = node?.node.tryFindChild(id) as Construct | undefined;
  return node !== undefined;
}

/**
 * Terraform `removed` blocks, with `lifecycle { destroy = false }`, for the
 * data volumes a configuration could declare but does not: the volumes of
 * NATS nodes beyond the current count and of parts turned off. When a change
 * drops such a volume from the configuration, Terraform forgets it and leaves
 * it, with its data, on the engine (instead of deleting it, or failing on
 * `prevent_destroy`). Terraform >= 1.7 is needed.
 *
 * A `removed` block for an address the configuration declares is an error,
 * so only absent paths get one; one for an address that was never in the
 * state is a no-op. Turning the part back on plans a create of a volume
 * with the same name, which Docker answers with the existing volume.
 */
export class KeptVolumes extends TerraformElement {
  /** The addresses this element emits a `removed` block for. */
  readonly forgottenAddresses: readonly string[];

  /**
   * @param scope the construct the paths start from
   * @param paths every place a data volume can have under `scope`
   */
  constructor(scope: Construct, id: string, paths: readonly VolumePath[]) {
    super(scope, id);
    this.forgottenAddresses = paths.filter((path) => !isDeclared(scope, path)).map((path) => volumeAddress(scope, path));
  }

  /** The `removed` blocks, merged into the stack's JSON by cdktf. */
  override toTerraform(): Record<string, unknown> {
    if (this.forgottenAddresses.length === 0) return {};
    return { removed: this.forgottenAddresses.map((from) => ({ from, lifecycle: { destroy: false } })) };
  }

  /** The same blocks in HCL; {@link renderKeptVolumesHcl} adds them to `cdktf synth --hcl` output. */
  toHcl(): string {
    return this.forgottenAddresses.map((from) => `removed {\n  from = ${from}\n  lifecycle {\n    destroy = false\n  }\n}\n`).join("\n");
  }
}

/**
 * cdktf's HCL renderer drops top-level blocks it does not know (`removed` is
 * one): a stack appends its KeptVolumes blocks to `toHclTerraform()` with this.
 */
export function renderKeptVolumesHcl(stack: TerraformStack): string {
  const blocks = stack.node
    .findAll()
    .filter((c): c is KeptVolumes => c instanceof KeptVolumes)
    .map((kept) => kept.toHcl())
    .filter((hcl) => hcl !== "");
  return blocks.length === 0 ? "" : `\n\n${blocks.join("\n")}`;
}

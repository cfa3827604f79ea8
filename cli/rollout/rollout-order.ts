import type { PlannedNode } from "./plan-json.js";

/**
 * The order in which to replace the nodes: followers first, the meta leader
 * as late as possible. `-target` also applies a node's pending dependencies,
 * so a node never goes before a node it depends on (node 4 starts after the
 * seeds): otherwise one targeted apply would replace two nodes at once.
 * Among the nodes that are free to go, the leader goes last, then by name.
 */
export function rolloutOrder(nodes: readonly PlannedNode[], metaLeader: string | undefined): PlannedNode[] {
  const pending = new Map(nodes.map((node) => [node.address, node]));
  const order: PlannedNode[] = [];
  while (pending.size > 0) {
    const free = [...pending.values()].filter((node) => node.dependsOn.every((dependency) => !pending.has(dependency)));
    if (free.length === 0) throw new Error(`cyclic depends_on between ${[...pending.keys()].join(", ")}`);
    free.sort(
      (a, b) => Number(a.name === metaLeader) - Number(b.name === metaLeader) || a.name.localeCompare(b.name, "en", { numeric: true }),
    );
    const next = free[0] as PlannedNode;
    order.push(next);
    pending.delete(next.address);
  }
  return order;
}

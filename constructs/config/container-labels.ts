/**
 * Docker label keys every container of the project carries: the contract
 * between DockerService, which sets them, and the log collectors, which
 * select and label log streams by them.
 */
export const LABELS = {
  /** The stack a container belongs to: the log collector keeps only these. */
  project: "natsmon.project",
  /** The part of the topology: nats, nats-box, surveyor, prometheus, ... */
  component: "natsmon.component",
  /** A hash of the whole container spec: any change recreates the container. */
  specHash: "natsmon.spec-hash",
} as const;

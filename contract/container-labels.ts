/**
 * Docker label keys every container of the project carries: the contract
 * between DockerService, which sets them, the log collectors, which select
 * and label log streams by them, and natsmon, which finds containers by them.
 */
export const LABELS = {
  /** The stack a container belongs to: the log collector keeps only these. */
  project: "natsmon.project",
  /** The part of the topology: one of {@link COMPONENTS}. */
  component: "natsmon.component",
  /** A hash of the whole container spec: any change recreates the container. */
  specHash: "natsmon.spec-hash",
} as const;

/**
 * The `natsmon.component` label values, one per part. The log collectors
 * give the `nats` component's lines `job="nats"`, and natsmon's backup treats
 * `nats` and `prometheus` containers specially.
 */
export const COMPONENTS = {
  nats: "nats",
  natsBox: "nats-box",
  surveyor: "surveyor",
  exporter: "nats-exporter",
  prometheus: "prometheus",
  alertmanager: "alertmanager",
  loki: "loki",
  alloy: "alloy",
  promtail: "promtail",
  socketProxy: "docker-socket-proxy",
  grafana: "grafana",
  nodeExporter: "node-exporter",
} as const;

/**
 * Container names before the stack's `namePrefix`: also the host names the
 * containers reach each other by on the stack network. NATS nodes are
 * `nats-node1`, `nats-node2`, ... ({@link natsNodeName}).
 */
export const CONTAINER_NAMES = {
  natsBox: "nats-box",
  surveyor: "nats-surveyor",
  exporter: "nats-exporter",
  prometheus: "prometheus",
  alertmanager: "alertmanager",
  loki: "loki",
  alloy: "alloy",
  promtail: "promtail",
  socketProxy: "docker-socket-proxy",
  grafana: "grafana",
  nodeExporter: "node-exporter",
} as const;

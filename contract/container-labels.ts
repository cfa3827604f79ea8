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
  cadvisor: "cadvisor",
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
  cadvisor: "cadvisor",
  /** cAdvisor's own socket proxy (component docker-socket-proxy): it admits cAdvisor alone. */
  cadvisorSocketProxy: "cadvisor-docker-socket-proxy",
} as const;

/**
 * The Prometheus label that cAdvisor turns a kept Docker label into
 * (`--whitelisted_container_labels`): `container_label_` and the key with
 * every character outside `[a-zA-Z0-9_]` replaced by `_`, as cAdvisor's
 * metrics/prometheus.go (`sanitizeLabelName`) does.
 */
export function cadvisorLabelName(dockerLabel: string): string {
  return `container_label_${dockerLabel.replace(/[^a-zA-Z0-9_]/g, "_")}`;
}

/** The stack's container labels on cAdvisor's series: what dashboards, rules and the scrape filter select on. */
export const CADVISOR_LABELS = {
  /** `container_label_natsmon_project`: the stack (its network's name). */
  project: cadvisorLabelName(LABELS.project),
  /** `container_label_natsmon_component`: the part, one of {@link COMPONENTS}. */
  component: cadvisorLabelName(LABELS.component),
} as const;

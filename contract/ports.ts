/**
 * Ports the services listen on inside their containers (what other
 * containers dial on the stack network) and the host ports the stack
 * publishes them on by default, the guide's ports (bound to 127.0.0.1).
 */
export const CONTAINER_PORTS = {
  natsClient: 4222,
  natsCluster: 6222,
  natsMonitoring: 8222,
  surveyor: 7777,
  exporter: 7777,
  prometheus: 9090,
  alertmanager: 9093,
  lokiHttp: 3100,
  lokiGrpc: 9096,
  alloy: 12345,
  promtail: 9080,
  grafana: 3000,
  nodeExporter: 9100,
  cadvisor: 8080,
} as const;

/** Default host ports; the exporter moves to 7778 next to Surveyor's 7777, as in the guide. */
export const DEFAULT_HOST_PORTS = {
  natsClient: CONTAINER_PORTS.natsClient,
  surveyor: CONTAINER_PORTS.surveyor,
  exporter: 7778,
  prometheus: CONTAINER_PORTS.prometheus,
  alertmanager: CONTAINER_PORTS.alertmanager,
  loki: CONTAINER_PORTS.lokiHttp,
  grafana: CONTAINER_PORTS.grafana,
  nodeExporter: CONTAINER_PORTS.nodeExporter,
} as const;

/** The address published ports bind to unless the user opens them. */
export const DEFAULT_BIND_ADDRESS = "127.0.0.1";

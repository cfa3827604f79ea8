export * from "./common.js";
export * from "./nats-jetstream-cluster.js";
export * from "./nats-logs.js";
export * from "./project-dashboards.js";
export * from "./selectors.js";

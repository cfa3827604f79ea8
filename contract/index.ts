/**
 * Names several parts share (constructs, alert rules, dashboards, natsmon),
 * defined once. Plain data and pure functions: nothing here imports a
 * package or a module outside this folder.
 */
export * from "./container-labels.js";
export * from "./grafana-uids.js";
export * from "./log-labels.js";
export * from "./metric-catalog.js";
export * from "./nats-cluster.js";
export * from "./outputs.js";
export * from "./ports.js";
export * from "./scrape-jobs.js";

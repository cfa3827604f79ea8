export * from "./inhibit-rules.js";
export * from "./nats-rules.js";
export * from "./promql.js";
export * from "./render.js";
export * from "./rule-types.js";

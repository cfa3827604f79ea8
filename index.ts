export * from "./alerts/index.js";
export * from "./constructs/index.js";
export * from "./dashboards/index.js";

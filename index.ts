export * from "./constructs/index.js";
export * from "./alerts/index.js";

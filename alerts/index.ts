export * from "./metric-catalog.js";

import { DATA_SOURCE_NAMES, DATA_SOURCE_UIDS } from "../contract/grafana-uids.js";
import type { ProjectDashboardSources } from "./project-dashboards.js";

/**
 * The data sources the stack provisions, as the project's dashboards see
 * them (uid and display name, nothing else). The app launcher renders the
 * dashboards for exactly these when it bundles the app, so a default stack
 * does not load the Grafana SDK at synth time (scripts/app/prerendered.mjs).
 * Kept apart from project-dashboards.ts so that reading it loads no SDK module.
 */
export const DEFAULT_DASHBOARD_SOURCES: ProjectDashboardSources = {
  prometheus: { uid: DATA_SOURCE_UIDS.prometheus, name: DATA_SOURCE_NAMES.prometheus },
  loki: { uid: DATA_SOURCE_UIDS.loki, name: DATA_SOURCE_NAMES.loki },
};

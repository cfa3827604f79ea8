import type { DashboardDataSource, DashboardJson } from "./common.js";
import { natsJetStreamClusterDashboard } from "./nats-jetstream-cluster.js";
import { natsLogsDashboard } from "./nats-logs.js";

/** The data sources the project's dashboards query. */
export interface ProjectDashboardSources {
  readonly prometheus: DashboardDataSource;
  readonly loki: DashboardDataSource;
}

/**
 * Every dashboard of the project, for the given data sources. The Grafana
 * construct provisions these; `npm run dashboards` writes them to files.
 * A new dashboard module is added to this list.
 */
export function projectDashboards(sources: ProjectDashboardSources): DashboardJson[] {
  return [natsJetStreamClusterDashboard(sources.prometheus), natsLogsDashboard(sources.loki)];
}

import type { DashboardDataSource, DashboardJson } from "./common.js";
import { natsJetStreamClusterDashboard } from "./nats-jetstream-cluster.js";
import { natsLogsDashboard } from "./nats-logs.js";

/** The data sources the project's dashboards query. */
export interface ProjectDashboardSources {
  readonly prometheus: DashboardDataSource;
  readonly loki: DashboardDataSource;
  /**
   * The stack runs on several Docker hosts: the cluster dashboard gains its
   * host dimension (see natsJetStreamClusterDashboard). Leave it out, rather
   * than false, for one host: the app bundle prerenders the dashboards for
   * the default sources exactly.
   * @default false
   */
  readonly multiHost?: boolean;
}

/**
 * Every dashboard of the project, for the given data sources. The Grafana
 * construct provisions these; `npm run dashboards` writes them to files.
 * A new dashboard module is added to this list.
 */
export function projectDashboards(sources: ProjectDashboardSources): DashboardJson[] {
  return [natsJetStreamClusterDashboard(sources.prometheus, { multiHost: sources.multiHost }), natsLogsDashboard(sources.loki)];
}

/**
 * The one place that says how dashboard variables filter metrics and logs.
 * Queries never paste label matchers themselves: they call {@link metricSelector}
 * and {@link logStreamSelector}, so a renamed label is one change here.
 */
import { catalogMetric, LOG_LABELS } from "../contract/index.js";

/** Names of the dashboards' template variables. */
export const DASHBOARD_VARIABLES = {
  datasource: "datasource",
  cluster: "cluster",
  server: "server",
  account: "account",
  stream: "stream",
  consumer: "consumer",
  job: "job",
  container: "container",
  level: "level",
  /** Only in a stack over several hosts: see dashboards/multi-host-panels.ts. */
  host: "host",
} as const;

/** A metric filter: a variable and the labels it may match, in order of preference. */
export interface MetricFilter {
  readonly variable: string;
  readonly labels: readonly string[];
}

/**
 * How the JetStream dashboard's variables filter a metric. Surveyor names
 * the cluster `server_cluster` on core server metrics and `cluster_name` on
 * JetStream ones; each metric is filtered on the first of these labels it
 * has, according to the metric catalog, and not at all when it has none
 * (e.g. `nats_survey_*`).
 */
export const DASHBOARD_METRIC_FILTERS = {
  cluster: { variable: DASHBOARD_VARIABLES.cluster, labels: ["server_cluster", "cluster_name"] },
  server: { variable: DASHBOARD_VARIABLES.server, labels: ["server_name"] },
  // The stream and consumer variables: Surveyor's stream and consumer series
  // name the stream `stream` and the consumer `consumer_name`.
  account: { variable: DASHBOARD_VARIABLES.account, labels: ["account"] },
  stream: { variable: DASHBOARD_VARIABLES.stream, labels: ["stream"] },
  consumer: { variable: DASHBOARD_VARIABLES.consumer, labels: ["consumer_name"] },
} as const satisfies Record<string, MetricFilter>;

/** Which filters a query applies. */
export type MetricFilterName = keyof typeof DASHBOARD_METRIC_FILTERS;

/**
 * The filters a query applies unless it names its own: cluster and server.
 * The account, stream and consumer filters are for the stream and consumer
 * panels only, which name them.
 */
const DEFAULT_METRIC_FILTERS: readonly MetricFilterName[] = ["cluster", "server"];

/**
 * A vector selector for `name` (which must be in the metric catalog) with
 * the dashboard's filters, e.g.
 * `nats_core_connection_count{server_cluster=~"$cluster", server_name=~"$server"}`.
 * `filters` narrows the filters: metrics reported by the meta leader about
 * its peers must not be filtered by server, or filtering out the leader
 * would empty the panel. `extra` adds matchers of the query's own.
 */
export function metricSelector(name: string, options: { filters?: readonly MetricFilterName[]; extra?: string } = {}): string {
  const labels = catalogMetric(name).labels;
  const matchers: string[] = [];
  for (const filterName of options.filters ?? DEFAULT_METRIC_FILTERS) {
    const filter = DASHBOARD_METRIC_FILTERS[filterName];
    const label = filter.labels.find((l) => labels.includes(l));
    if (label !== undefined) matchers.push(`${label}=~"$${filter.variable}"`);
  }
  if (options.extra) matchers.push(options.extra);
  return matchers.length > 0 ? `${name}{${matchers.join(", ")}}` : name;
}

/**
 * The host variable's matcher, `host=~"$host"`: the `host` target label that
 * every agent of a stack over several hosts carries. Only queries of the
 * multi-host dashboard use it; a single-host dashboard has no host variable.
 */
export function hostMatcher(): string {
  return `${LOG_LABELS.host}=~"$${DASHBOARD_VARIABLES.host}"`;
}

/**
 * The labels the log collector gives every line (the Logs part): `job`
 * (nats or monitoring), `container_name`, `service` and `log_level` (INFO,
 * WARN, ERROR, DEBUG, TRACE, FATAL).
 */
export const DASHBOARD_LOG_LABELS = {
  job: LOG_LABELS.job,
  container: LOG_LABELS.containerName,
  level: LOG_LABELS.logLevel,
} as const;

/**
 * A LogQL stream selector with the logs dashboard's filters, e.g.
 * `{job="$job", container_name=~"$container", log_level=~"$level"}`.
 * `level: false` drops the level filter (for the level distribution and
 * the error ratio, which compare levels); a string matches those levels.
 * The job filter is an equality on a single-valued variable: Loki refuses
 * selectors whose every matcher also matches an empty value.
 */
export function logStreamSelector(options: { level?: boolean | readonly string[] } = {}): string {
  const matchers = [
    `${DASHBOARD_LOG_LABELS.job}="$${DASHBOARD_VARIABLES.job}"`,
    `${DASHBOARD_LOG_LABELS.container}=~"$${DASHBOARD_VARIABLES.container}"`,
  ];
  const level = options.level ?? true;
  if (level === true) matchers.push(`${DASHBOARD_LOG_LABELS.level}=~"$${DASHBOARD_VARIABLES.level}"`);
  else if (level !== false) matchers.push(`${DASHBOARD_LOG_LABELS.level}=~"${level.join("|")}"`);
  return `{${matchers.join(", ")}}`;
}

/**
 * A Prometheus scrape job that a construct offers to PrometheusStack: the
 * constructs that expose metrics (Surveyor, NatsExporter, Loki, the log
 * collector, Grafana) implement {@link IScrapeable}, and PrometheusStack
 * renders one job per target without knowing what is behind it.
 */
export interface ScrapeTarget {
  /** The `job` label, e.g. "nats-surveyor". Unique within one Prometheus. */
  readonly jobName: string;
  /** host:port pairs on the stack network, e.g. ["nats-surveyor:7777"]. */
  readonly targets: readonly string[];
  /** @default "/metrics" */
  readonly metricsPath?: string;
  /** Overrides the global scrape interval for this job, e.g. "15s". @default the global one */
  readonly scrapeInterval?: string;
  /** Extra labels put on every series of the job. */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * More labels for single targets, by target: e.g. the `host` of each
   * exporter in a stack over several Docker hosts.
   * @default none
   */
  readonly targetLabels?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * Keep only the scraped series whose `label` matches `regex` (a
   * `metric_relabel_configs` keep rule; Prometheus anchors the RE2 regex at
   * both ends), e.g. cAdvisor's series of the stack's own containers.
   * @default every series
   */
  readonly keepSeries?: { readonly label: string; readonly regex: string };
}

/** A construct that Prometheus can scrape. */
export interface IScrapeable {
  readonly scrapeTarget: ScrapeTarget;
}

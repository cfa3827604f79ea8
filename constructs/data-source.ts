/** A Grafana data source that a construct offers: PrometheusStack and LokiStack implement {@link IDataSource}. */
export interface DataSourceSpec {
  /** Fixed uid that dashboards reference, e.g. "prometheus". At most 40 characters. */
  readonly uid: string;
  /** Display name, e.g. "Prometheus". */
  readonly name: string;
  /** Grafana's plugin id. */
  readonly type: "prometheus" | "loki" | "alertmanager";
  /** URL on the stack network, e.g. "http://prometheus:9090". */
  readonly url: string;
}

/** A construct that Grafana can query. */
export interface IDataSource {
  readonly dataSource: DataSourceSpec;
}

/**
 * How urgent an alert is: `critical` pages someone, `warning` waits for
 * working hours, `info` is context that is only sent along with a warning or
 * critical alert (see InfoInhibitor), `none` is for the Watchdog and the
 * InfoInhibitor, which route to no one.
 */
export type Severity = "critical" | "warning" | "info" | "none";

/**
 * One Prometheus alerting rule, as data. Rendered kube-prometheus style: the
 * severity as a label, summary/description/action as annotations.
 */
export interface AlertRule {
  /** CamelCase name, unique across the project, e.g. "NatsServerDown". */
  readonly alert: string;
  /** The PromQL condition; every series it returns is one alert. */
  readonly expr: string;
  /** How long the condition must hold before the alert fires, e.g. "5m". */
  readonly for: string;
  readonly severity: Severity;
  /** One line for notifications. May use `{{ $labels.x }}` and `{{ $value }}`. */
  readonly summary: string;
  /** What is wrong and why it matters. Same templating as `summary`. */
  readonly description: string;
  /** What the operator does when it fires. Same templating as `summary`. */
  readonly action: string;
  /** Labels besides `severity`, e.g. a config's extra labels. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** The `runbook_url` annotation: where the alert is documented. @default none */
  readonly runbookUrl?: string;
}

/** A named group of rules, evaluated together. */
export interface AlertRuleGroup {
  /** Also the name of the group's promtool test file. */
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/**
 * A promtool unit-test case for one alert: input series, one evaluation time,
 * and the alerts expected to fire then (an empty list for a silent case).
 */
export interface AlertTestCase {
  /** What the case shows, e.g. "node2 vanished from the survey". */
  readonly name: string;
  /** promtool's series notation: selector -> values, e.g. `nats_up{job="nats-surveyor"}` -> "1x30". */
  readonly series: Readonly<Record<string, string>>;
  /** Time of the evaluation since the start of the series, e.g. "20m". */
  readonly at: string;
  /** The alerts expected to fire at `at`; empty for a silent case. */
  readonly expect: readonly ExpectedAlert[];
}

/** One alert a test expects: its labels (besides alertname and severity) and, when the annotations show it, its value. */
export interface ExpectedAlert {
  readonly labels: Readonly<Record<string, string>>;
  /** The alert's `$value`, needed when a template shows it. */
  readonly value?: number;
}

/** The promtool cases of one alert: at least one that fires and one that stays silent. */
export type AlertTests = readonly AlertTestCase[];

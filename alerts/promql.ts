/**
 * Small PromQL builders for patterns the rules repeat. They return plain
 * expression text; the tests parse every rendered expression with Prometheus's
 * own grammar and run it through promtool.
 */

/**
 * A vector selector: `metric{matchers}`, e.g. `select("up", 'job="nats-surveyor"')`.
 * Empty matcher strings are left out, so an empty config selector selects every series.
 */
export function select(metric: string, ...matchers: readonly string[]): string {
  const kept = matchers.map((m) => m.trim()).filter((m) => m !== "");
  return kept.length > 0 ? `${metric}{${kept.join(", ")}}` : metric;
}

/**
 * True for `window` after a counter went up, including a counter that did not
 * exist before: Surveyor creates its advisory counters at the first event, and
 * `increase()` needs two samples, so it misses the event that creates the series.
 * `metric` may be a selector such as `m{job="x"}`.
 */
export function counterIncreased(metric: string, window: string): string {
  return `increase(${metric}[${window}]) > 0 or (${metric} > 0 unless ${metric} offset ${window})`;
}

/**
 * Small PromQL builders for patterns the rules repeat. They return plain
 * expression text; the tests parse every rendered expression with Prometheus's
 * own grammar and run it through promtool.
 */

/**
 * True for `window` after a counter went up, including a counter that did not
 * exist before: Surveyor creates its advisory counters at the first event, and
 * `increase()` needs two samples, so it misses the event that creates the series.
 */
export function counterIncreased(metric: string, window: string): string {
  return `increase(${metric}[${window}]) > 0 or (${metric} > 0 unless ${metric} offset ${window})`;
}

import { parser as logqlParser } from "@grafana/lezer-logql";
import { parser as promqlParser } from "@prometheus-io/lezer-promql";

type LezerParser = typeof promqlParser | typeof logqlParser;

/**
 * Errors in `query` according to an official Lezer grammar: lezer's parse()
 * never throws, it puts error nodes in the tree, so walk it and report each
 * one with its position. An empty array means the query parses.
 */
function grammarErrors(parser: LezerParser, query: string): string[] {
  const errors: string[] = [];
  const tree = parser.parse(query);
  tree.iterate({
    enter(node) {
      if (node.type.isError) {
        errors.push(`syntax error at ${node.from}: ${JSON.stringify(query.slice(Math.max(0, node.from - 10), node.to + 10))}`);
      }
    },
  });
  if (query.trim() === "") errors.push("empty query");
  return errors;
}

/** Errors of a PromQL expression per @prometheus-io/lezer-promql (Prometheus's own UI grammar). */
export function promqlErrors(query: string): string[] {
  return grammarErrors(promqlParser, query);
}

/** Errors of a LogQL query per @grafana/lezer-logql (Grafana's own grammar). */
export function logqlErrors(query: string): string[] {
  return grammarErrors(logqlParser, query);
}

/** Grafana's interval macros, each replaced by a valid range. */
const INTERVAL_MACROS = /\$__(rate_interval|interval_ms|interval|range_s|range_ms|range|auto)\b/g;

/**
 * Replaces Grafana template variables with values the query grammars accept:
 * interval macros with "5m", `$var`, `${var}` and `${var:format}` with "x"
 * (they stand inside label values or regexes in this project's queries).
 */
export function substituteGrafanaVariables(query: string): string {
  return query
    .replace(INTERVAL_MACROS, "5m")
    .replace(/\$\{[A-Za-z_]\w*(?::[\w]+)?\}/g, "x")
    .replace(/\$[A-Za-z_]\w*/g, "x");
}

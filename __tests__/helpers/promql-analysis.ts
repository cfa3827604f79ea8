import { parser } from "@prometheus-io/lezer-promql";

type SyntaxNode = ReturnType<typeof parser.parse>["topNode"];

/** What a PromQL expression refers to, read from Prometheus's own grammar. */
export interface PromqlReferences {
  /** Metric names of every vector selector. */
  readonly metrics: ReadonlySet<string>;
  /** Label names matched in a selector, per metric: `up{job="x"}` gives up -> [job]. */
  readonly matchedLabels: ReadonlyMap<string, ReadonlySet<string>>;
  /** Label names of `by (...)`, `without (...)`, `on (...)`, `ignoring (...)`, `group_left/right (...)`. */
  readonly groupingLabels: ReadonlySet<string>;
  /** Metric names that a counter function (rate, increase, irate, resets) is applied to. */
  readonly counterFunctionArguments: ReadonlySet<string>;
}

const COUNTER_FUNCTIONS = new Set(["rate", "increase", "irate", "resets"]);

/** Walks the parse tree of `expr`; the expression must parse (check promqlErrors first). */
export function promqlReferences(expr: string): PromqlReferences {
  const text = (node: SyntaxNode) => expr.slice(node.from, node.to);
  const metrics = new Set<string>();
  const matchedLabels = new Map<string, Set<string>>();
  const groupingLabels = new Set<string>();
  const counterFunctionArguments = new Set<string>();

  const selectorMetric = (selector: SyntaxNode) => {
    const identifier = selector.getChild("Identifier");
    return identifier ? text(identifier) : undefined;
  };

  parser.parse(expr).iterate({
    enter(ref) {
      const node = ref.node;
      if (node.name === "VectorSelector") {
        const metric = selectorMetric(node);
        if (metric === undefined) return;
        metrics.add(metric);
        const labels = matchedLabels.get(metric) ?? new Set<string>();
        matchedLabels.set(metric, labels);
        const matchers = node.getChild("LabelMatchers");
        for (const matcher of matchers ? matchers.getChildren("UnquotedLabelMatcher") : []) {
          const name = matcher.getChild("LabelName");
          if (name) labels.add(text(name));
        }
      } else if (node.name === "GroupingLabels") {
        for (const name of node.getChildren("LabelName")) groupingLabels.add(text(name));
      } else if (node.name === "FunctionCall") {
        const fn = node.getChild("FunctionIdentifier");
        if (!fn || !COUNTER_FUNCTIONS.has(text(fn))) return;
        const body = node.getChild("FunctionCallBody");
        const matrix = body?.getChild("MatrixSelector");
        const selector = matrix?.getChild("VectorSelector");
        const metric = selector ? selectorMetric(selector) : undefined;
        if (metric === undefined) throw new Error(`${text(fn)}() without a plain range selector in: ${expr}`);
        counterFunctionArguments.add(metric);
      }
    },
  });
  return { metrics, matchedLabels, groupingLabels, counterFunctionArguments };
}

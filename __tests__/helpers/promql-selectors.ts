import { parser } from "@prometheus-io/lezer-promql";

type SyntaxNode = ReturnType<typeof parser.parse>["topNode"];

/** One vector selector of a PromQL expression, as the grammar sees it. */
export interface PromqlSelector {
  /** The metric name. */
  readonly metric: string;
  /** Label names its matchers use. */
  readonly matcherLabels: readonly string[];
  /** The function the selector's range feeds, e.g. "rate"; undefined for an instant selector. */
  readonly rangeFunction?: string;
}

/** The parsed pieces of a PromQL expression that the dashboard tests check. */
export interface PromqlParts {
  readonly selectors: readonly PromqlSelector[];
  /** Label names of every `by (...)`, `without (...)`, `on (...)` and `ignoring (...)`. */
  readonly groupingLabels: readonly string[];
}

function childrenOf(node: SyntaxNode, name: string): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) if (child.name === name) found.push(child);
  return found;
}

/**
 * Walks the @prometheus-io/lezer-promql tree of `query` (Grafana variables
 * already substituted) and returns its selectors and grouping labels.
 */
export function promqlParts(query: string): PromqlParts {
  const selectors: PromqlSelector[] = [];
  const groupingLabels: string[] = [];
  const text = (node: SyntaxNode) => query.slice(node.from, node.to);
  parser.parse(query).iterate({
    enter(ref) {
      const node = ref.node;
      if (node.name === "GroupingLabels") {
        for (const label of childrenOf(node, "LabelName")) groupingLabels.push(text(label));
      }
      if (node.name !== "VectorSelector") return;
      const identifier = childrenOf(node, "Identifier")[0];
      if (!identifier) return; // {__name__="..."} selectors: not used by the project
      const matcherLabels = childrenOf(node, "LabelMatchers").flatMap((matchers) =>
        matchers.getChildren("UnquotedLabelMatcher").flatMap((m) => childrenOf(m, "LabelName").map(text)),
      );
      let rangeFunction: string | undefined;
      if (node.parent?.name === "MatrixSelector") {
        const call = node.parent.parent?.parent; // MatrixSelector < FunctionCallBody < FunctionCall
        const name = call?.name === "FunctionCall" ? childrenOf(call, "FunctionIdentifier")[0] : undefined;
        rangeFunction = name ? text(name) : "(range outside a function)";
      }
      selectors.push({ metric: text(identifier), matcherLabels, ...(rangeFunction ? { rangeFunction } : {}) });
    },
  });
  return { selectors, groupingLabels };
}

import { describe, expect, it } from "vitest";
import { lokiRuleExpressions } from "../../constructs/config/loki-rules.js";
import { readDoc } from "../helpers/markdown.js";
import { logqlErrors } from "../helpers/query-grammar.js";
import { documentationPages } from "./markdown-pages.js";

/** Every line of every ```logql block: one query per line. */
function logqlSamples(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^```logql\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
  return blocks.flatMap((block) => block.split("\n")).filter((line) => line.trim() !== "");
}

describe("LogQL in README.md and docs/", () => {
  const queries = documentationPages().flatMap((page) => logqlSamples(readDoc(page)));

  it("has the queries the guide's readers need, the right error queries among them", () => {
    expect(queries.length).toBeGreaterThanOrEqual(8);
    expect(queries).toEqual(expect.arrayContaining(['{job="nats", log_level="ERROR"}', '{job="nats"} |= "[ERR]"']));
    expect(queries.join("\n")).not.toContain("[ERROR]");
  });

  it.each(queries)("parses: %s", (query) => {
    expect(logqlErrors(query)).toEqual([]);
  });

  it("shows the rule Loki evaluates, as it evaluates it", () => {
    const [ratio] = lokiRuleExpressions({ errorRatioThreshold: 0.01, window: "15m", for: "5m" });
    expect(queries).toContain(ratio.replace(/\n/g, " "));
  });

  it("finds a broken query in a logql block, so the check can fail", () => {
    expect(logqlSamples('```logql\n{job="nats"} |~\n```\n').flatMap(logqlErrors)).not.toEqual([]);
  });
});

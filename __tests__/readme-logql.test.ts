import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lokiRuleExpressions } from "../constructs/config/loki-rules.js";
import { logqlErrors } from "./helpers/query-grammar.js";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** Every line of every ```logql block: one query per line. */
function readmeQueries(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^```logql\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
  return blocks.flatMap((block) => block.split("\n")).filter((line) => line.trim() !== "");
}

describe("LogQL in the README", () => {
  const queries = readmeQueries(README);

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
    expect(readmeQueries('```logql\n{job="nats"} |~\n```\n').flatMap(logqlErrors)).not.toEqual([]);
  });
});

import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { NatsMonitoringStack } from "../../index.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DOCS = ["README.md", ...readdirSync(`${ROOT}docs`).map((name) => `docs/${name}`)].filter((path) => path.endsWith(".md"));

/** Every cdktf.json context written in the docs: ```json blocks that are a whole cdktf.json or a `"context": {...}` line. */
function documentedContexts(): { where: string; context: Record<string, unknown> }[] {
  const found: { where: string; context: Record<string, unknown> }[] = [];
  for (const path of DOCS) {
    const text = readFileSync(`${ROOT}${path}`, "utf8");
    for (const [index, match] of [...text.matchAll(/```json\n([\s\S]*?)```/g)].entries()) {
      const block = match[1].trim();
      let parsed: unknown;
      try {
        parsed = JSON.parse(block.startsWith('"context"') ? `{${block}}` : block);
      } catch {
        continue;
      }
      const context = (parsed as { context?: Record<string, unknown> }).context;
      if (context) found.push({ where: `${path} json block ${index + 1}`, context });
    }
  }
  return found;
}

describe("the settings the docs show", () => {
  const contexts = documentedContexts();

  it("are found in README.md and docs/", () => {
    expect(contexts.length).toBeGreaterThanOrEqual(2);
  });

  for (const { where, context } of contexts) {
    it(`synthesize: ${where}`, () => {
      const { stackName, ...props } = context;
      const stack = new NatsMonitoringStack(Testing.app(), String(stackName ?? "nats-monitoring"), props);
      expect(JSON.parse(Testing.synth(stack)).resource.docker_container).toBeDefined();
    });
  }
});

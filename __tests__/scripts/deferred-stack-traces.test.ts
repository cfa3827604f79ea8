import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { App, DefaultTokenResolver, Lazy, StringConcat, TerraformStack, Tokenization } from "cdktf";
import { describe, expect, it } from "vitest";
import { captureStackTraceDeferred, deferCdktfStackTraces } from "../../scripts/app/deferred-stack-traces.mjs";

const repo = resolve(import.meta.dirname, "../..");
const cdktfStackTrace = createRequire(join(repo, "package.json"))("cdktf/lib/tokens/private/stack-trace.js") as {
  captureStackTrace: (below?: (...args: never[]) => unknown) => string[];
};
const cdktfOwn = cdktfStackTrace.captureStackTrace;

/** Both functions called from the same line, so that the frames they see are the same. */
const fromHere = (capture: (below?: (...args: never[]) => unknown) => string[]): string[] => capture();

describe("cdktf creation stacks formatted on first use (the app command's start-up)", () => {
  it("gives the lines cdktf's own function gives, as an array", () => {
    const [own, deferred] = [cdktfOwn, captureStackTraceDeferred].map((capture) => fromHere(capture));
    expect(Array.isArray(deferred)).toBe(true);
    expect(deferred.length).toBe(own.length);
    expect(deferred.join("\n")).toBe(own.join("\n"));
    expect([...deferred]).toEqual(own);
    expect(deferred[0]).toMatch(/^fromHere \(.*deferred-stack-traces\.test\.ts:\d+:\d+\)$/);
  });

  it("hides the frames above `below`, as cdktf's does", () => {
    function outer(): string[] {
      return captureStackTraceDeferred(outer);
    }
    expect(outer().join("\n")).not.toMatch(/\bouter\b/);
  });

  it("is what cdktf's tokens then record, and their error messages still say where a token was made", () => {
    expect(deferCdktfStackTraces(join(repo, "package.json"))).toBe(true);
    try {
      expect(cdktfStackTrace.captureStackTrace).toBe(captureStackTraceDeferred);
      const broken = Lazy.stringValue({
        produce: () => {
          throw new Error("cannot produce");
        },
      });
      const stack = new TerraformStack(new App(), "t");
      const resolveInStack = () => Tokenization.resolve(broken, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) });
      expect(resolveInStack).toThrow(/Object creation stack:\n {2}at new LazyBase [\s\S]*deferred-stack-traces\.test\.ts:\d+/);
    } finally {
      cdktfStackTrace.captureStackTrace = cdktfOwn;
    }
  });

  it("changes nothing where no cdktf of that layout resolves", () => {
    expect(deferCdktfStackTraces("/nonexistent/natsmon/app.mjs")).toBe(false);
    expect(cdktfStackTrace.captureStackTrace).toBe(cdktfOwn);
  });
});

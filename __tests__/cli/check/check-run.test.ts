import { describe, expect, it } from "vitest";
import { CheckRun } from "../../../cli/check/check-run.js";
import { describeError } from "../../../cli/check/describe-error.js";
import { ok } from "../../../cli/check/verdict.js";
import { freePort } from "../helpers/nats-test-cluster.js";

const target = { what: "GET http://127.0.0.1:1/x", fix: "start the thing" };

describe("CheckRun", () => {
  it("records a verdict and hands the value to later checks", async () => {
    const run = new CheckRun("demo", 1000);
    const value = await run.check("demo.first", target, async () => ({ verdict: ok("fine"), value: 42 }));
    expect(value).toBe(42);
    expect(run.results).toMatchObject([{ name: "demo.first", group: "demo", status: "ok", detail: "fine" }]);
  });

  it("fails a check that does not finish within its timeout, and aborts its signal", async () => {
    const run = new CheckRun("demo", 200);
    let aborted = false;
    const started = Date.now();
    const value = await run.check("demo.hang", target, ({ signal }) => {
      signal.addEventListener("abort", () => (aborted = true));
      return new Promise<never>(() => undefined); // never settles
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(value).toBeUndefined();
    expect(aborted).toBe(true);
    expect(run.results[0]).toMatchObject({ status: "fail", detail: `no answer within 0.2 s (${target.what})` });
    expect(run.results[0].fix).toContain("start the thing");
  });

  it("turns an exception into a failed check with the error's message, not a stack trace", async () => {
    const run = new CheckRun("demo", 1000);
    await run.check("demo.throws", target, async () => {
      throw new Error("boom", {
        cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED", address: "127.0.0.1", port: 1 }),
      });
    });
    const [result] = run.results;
    expect(result.status).toBe("fail");
    expect(result.detail).toBe(`${target.what}: connection refused at 127.0.0.1:1 (nothing listens there)`);
    expect(result.detail).not.toMatch(/\n\s+at /);
    expect(result.fix).toBe("start the thing");
  });

  it("records skipped checks with the reason", () => {
    const run = new CheckRun("demo", 1000);
    run.skipAll(["demo.a", "demo.b"], "needs demo.first");
    expect(run.results.map((r) => [r.name, r.status, r.detail])).toEqual([
      ["demo.a", "skip", "needs demo.first"],
      ["demo.b", "skip", "needs demo.first"],
    ]);
  });
});

describe("describeError", () => {
  it("finds the socket error behind fetch's 'fetch failed'", async () => {
    const port = await freePort();
    const error = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(describeError(error).saw).toBe(`connection refused at 127.0.0.1:${port} (nothing listens there)`);
  });

  it("names a host that does not resolve and suggests checking it", () => {
    const described = describeError(new Error("getaddrinfo ENOTFOUND nohost.invalid", { cause: { code: "ENOTFOUND" } }));
    expect(described).toEqual({ saw: "the host name does not resolve", fix: "check the host name in the URL" });
  });

  it("says a timeout plainly", () => {
    expect(describeError(new DOMException("The operation was aborted due to timeout", "TimeoutError")).saw).toBe("no answer in time");
  });

  it("joins the messages of an unknown error's causes, without repeats", () => {
    expect(describeError(new Error("outer", { cause: new Error("inner") })).saw).toBe("outer: inner");
    expect(describeError("just text").saw).toBe("just text");
  });
});

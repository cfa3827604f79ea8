import { describe, expect, it } from "vitest";
import { jsonReport, renderTable } from "../../../cli/check/report.js";
import type { CheckResult } from "../../../cli/check/verdict.js";

const results: CheckResult[] = [
  { name: "nats.connect", group: "nats", status: "ok", detail: "connected to nats://127.0.0.1:4222", durationMs: 5 },
  {
    name: "prometheus.ready",
    group: "prometheus",
    status: "fail",
    detail: "GET http://127.0.0.1:9090/-/ready: connection refused at 127.0.0.1:9090 (nothing listens there)",
    fix: "start Prometheus or point --prometheus-url at it",
    durationMs: 2,
  },
  { name: "prometheus.rules", group: "prometheus", status: "skip", detail: "needs a ready Prometheus", durationMs: 0 },
];

describe("jsonReport", () => {
  it("holds every check with name, status and detail, a summary and ok=false on any failure", () => {
    const report = jsonReport(results, "cdktf.out/stacks/nats-monitoring", 5);
    expect(report.ok).toBe(false);
    expect(report.summary).toEqual({ ok: 1, fail: 1, skip: 1 });
    expect(report.checks.map(({ name, status }) => ({ name, status }))).toEqual([
      { name: "nats.connect", status: "ok" },
      { name: "prometheus.ready", status: "fail" },
      { name: "prometheus.rules", status: "skip" },
    ]);
    expect(report.checks[1].fix).toContain("--prometheus-url");
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it("is ok only when every check passed; a skip is not a pass, and no checks is not a pass", () => {
    expect(jsonReport(results.slice(0, 1), "defaults", 5).ok).toBe(true);
    expect(jsonReport([results[0], results[2]], "defaults", 5).ok).toBe(false);
    expect(jsonReport([], "defaults", 5).ok).toBe(false);
  });
});

describe("renderTable", () => {
  it("shows one row per check, the fix under a failure, and a summary", () => {
    const text = renderTable(results, { color: false, width: 120 });
    const lines = text.split("\n");
    expect(lines.every((line) => line.length <= 120)).toBe(true);
    expect(text).toMatch(/│ nats\.connect\s+│ ok\s+│ connected to nats:\/\/127\.0\.0\.1:4222/);
    expect(text).toMatch(/│ prometheus\.ready\s+│ FAIL\s+│/);
    expect(text).toContain("fix: start Prometheus or point --prometheus-url at it");
    expect(lines.at(-2)).toBe("natsmon check: 1 ok, 1 failed, 1 skipped");
    expect(text).not.toMatch(/\x1b\[/);
  });

  it("colours the statuses only when asked", () => {
    const text = renderTable(results, { color: true, width: 120 });
    expect(text).toContain("\x1b[32mok\x1b[39m");
    expect(text).toMatch(/\x1b\[31mFAIL/);
  });

  it("wraps long details within a narrow terminal", () => {
    const text = renderTable(results, { color: false, width: 70 });
    expect(text.split("\n").every((line) => line.length <= 70)).toBe(true);
    expect(text).toContain("nothing listens");
  });
});

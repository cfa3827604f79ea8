import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonReport } from "../../cli/check/report.js";
import { startSilentServer } from "./helpers/fake-http.js";
import { freePort } from "./helpers/nats-test-cluster.js";
import { runNatsmon as natsmon } from "./helpers/run-natsmon.js";

/** URL flags pointing every service at one host and port. */
async function everyServiceAt(port: (service: string) => Promise<number>): Promise<string[]> {
  return [
    "--nats-url",
    `nats://127.0.0.1:${await port("nats")}`,
    "--surveyor-url",
    `http://127.0.0.1:${await port("surveyor")}`,
    "--exporter-url",
    `http://127.0.0.1:${await port("exporter")}`,
    "--prometheus-url",
    `http://127.0.0.1:${await port("prometheus")}`,
    "--alertmanager-url",
    `http://127.0.0.1:${await port("alertmanager")}`,
    "--loki-url",
    `http://127.0.0.1:${await port("loki")}`,
    "--grafana-url",
    `http://127.0.0.1:${await port("grafana")}`,
  ];
}

describe("natsmon (the real CLI, as a subprocess)", () => {
  it("lists check, backup and restore in --help", async () => {
    const { code, stdout } = await natsmon(["--help"]);
    expect(code).toBe(0);
    for (const command of ["check", "backup", "restore"]) expect(stdout).toMatch(new RegExp(`^  ${command} `, "m"));
  });

  it("check --json against nothing running exits 1 with a JSON report of failed checks, well within its timeouts", async () => {
    // Free ports rather than the defaults: on a shared machine something may listen on 4222.
    const { code, stdout, stderr, seconds } = await natsmon([
      "check",
      "--json",
      "--timeout",
      "2",
      ...(await everyServiceAt(() => freePort())),
    ]);
    expect(code).toBe(1);
    expect(stderr).toBe("");
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.ok).toBe(false);
    const failed = report.checks.filter((check) => check.status === "fail");
    expect(failed.map((check) => check.name)).toEqual([
      "nats.connect",
      "surveyor.healthz",
      "exporter.metrics",
      "prometheus.ready",
      "alertmanager.ready",
      "loki.ready",
      "grafana.health",
    ]);
    for (const check of failed) {
      expect(check.detail).toMatch(/connection refused at 127\.0\.0\.1:\d+ \(nothing listens there\)/);
      expect(check.fix).toMatch(/start|point --/);
    }
    expect(report.checks.filter((check) => check.status !== "fail").every((check) => check.status === "skip")).toBe(true);
    // A refused port answers at once: far below one 2 s timeout (the rest is tsx starting up).
    expect(seconds).toBeLessThan(15);
  }, 60_000);

  describe("against services that accept connections and never answer", () => {
    let silent: Awaited<ReturnType<typeof startSilentServer>>;
    beforeAll(async () => {
      silent = await startSilentServer();
    });
    afterAll(async () => silent?.close());

    it("check ends after about one timeout per group, every failure saying it got no answer", async () => {
      const { code, stdout, seconds } = await natsmon([
        "check",
        "--json",
        "--timeout",
        "1",
        ...(await everyServiceAt(async () => silent.port)),
      ]);
      expect(code).toBe(1);
      const report = JSON.parse(stdout) as JsonReport;
      const failed = report.checks.filter((check) => check.status === "fail");
      expect(failed).toHaveLength(7);
      for (const check of failed) expect(check.detail).toMatch(/no answer within 1 s|timeout|no answer in time/);
      // Groups run side by side and stop at their first failure: about 1 s of checks, plus startup.
      expect(seconds).toBeLessThan(20);
    }, 60_000);

    it("prints the table for people, with the fix under each failure", async () => {
      const { code, stdout } = await natsmon([
        "check",
        "--timeout",
        "1",
        "--only",
        "prometheus",
        "--prometheus-url",
        `http://127.0.0.1:${silent.port}`,
      ]);
      expect(code).toBe(1);
      expect(stdout).toMatch(/│ prometheus\.ready\s+│ FAIL/);
      expect(stdout).toContain("fix: start Prometheus");
      expect(stdout).toContain("natsmon check: 0 ok, 1 failed, 3 skipped");
    }, 60_000);
  });

  it("exits 2 with a message, not a stack trace, on a bad flag or unreadable outputs", async () => {
    const badFlag = await natsmon(["check", "--timeout", "soon"]);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('expected a positive number of seconds, got "soon"');
    const badGroup = await natsmon(["check", "--only", "nats,kafka"]);
    expect(badGroup.code).toBe(2);
    const missing = await natsmon(["check", "--outputs", "/nonexistent/outputs.json"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("natsmon: outputs not found: /nonexistent/outputs.json");
    expect(missing.stderr).toContain("fix: ");
    for (const run of [badFlag, badGroup, missing]) expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

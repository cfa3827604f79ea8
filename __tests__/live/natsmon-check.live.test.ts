import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonReport } from "../../cli/check/report.js";
import { OUTPUT_NAMES } from "../../cli/targets.js";
import { runNatsmon } from "../cli/helpers/run-natsmon.js";
import { labelsOf, type Plan } from "../helpers/plan.js";
import { natsNodesOf, synthLivePlan } from "./live-plan.js";
import { PlanReplayer } from "./plan-replayer.js";
import { docker, requireTestbed, TESTBED_IMAGES } from "./testbed.js";
import { getJson, waitFor } from "./wait.js";

const natsmon = (args: string[]) => runNatsmon(args, 120_000);

/**
 * `natsmon check` against the stack's NATS cluster and Prometheus, created
 * exactly as the plan says by the replayer. The other parts (Surveyor, the
 * exporter, Loki, Grafana) have no stand-in image here: natsmon must report
 * them as failed checks with a reason and a fix, not crash.
 */
describe("natsmon check against the replayed cluster and Prometheus", () => {
  let plan: Plan;
  let replayer: PlanReplayer;
  let dir: string;
  let outputsFile: string;

  beforeAll(async () => {
    await requireTestbed();
    plan = synthLivePlan();
    replayer = await PlanReplayer.start(docker, plan, TESTBED_IMAGES);
    const prometheus = Object.values(plan.resource.docker_container).find((c) => labelsOf(c)["natsmon.component"] === "prometheus");
    await replayer.apply([...natsNodesOf(plan).map((node) => node.name), prometheus!.name as string]);

    // The outputs as `terraform output -json` prints them after a deploy.
    const outputs: Record<string, { value: unknown; sensitive: boolean; type: string }> = {};
    for (const name of OUTPUT_NAMES) {
      const output = plan.output?.[name];
      if (!output) continue;
      const value = typeof output.value === "string" ? await replayer.output(name) : output.value;
      outputs[name] = { value, sensitive: Boolean(output.sensitive), type: typeof value === "string" ? "string" : "tuple" };
    }
    dir = mkdtempSync(join(tmpdir(), "natsmon-cli-live-"));
    outputsFile = join(dir, "outputs.json");
    writeFileSync(outputsFile, JSON.stringify(outputs));

    // Let Prometheus scrape every target once, so that the report says which are down and why.
    const prometheusUrl = outputs.prometheus_url.value as string;
    await waitFor(
      "Prometheus to scrape every target once",
      async () => {
        const { data } = await getJson(`${prometheusUrl}/api/v1/targets?state=active`);
        return data.activeTargets.length > 0 && data.activeTargets.every((t: { health: string }) => t.health !== "unknown")
          ? true
          : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 1_000 },
    );
  });

  afterAll(async () => {
    await replayer?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("passes every NATS check and reports the parts that do not run here as failed, with reasons", async () => {
    const { code, stdout, stderr, seconds } = await natsmon(["check", "--json", "--outputs", outputsFile, "--timeout", "10"]);
    expect(stderr).toBe("");
    const report = JSON.parse(stdout) as JsonReport;
    const status = Object.fromEntries(report.checks.map((check) => [check.name, check.status]));
    const nats = report.checks.filter((check) => check.group === "nats");
    expect(nats.map((check) => [check.name, check.status, check.detail])).toEqual(nats.map((check) => [check.name, "ok", check.detail]));
    expect(nats.find((check) => check.name === "nats.servers")?.detail).toBe(
      `3 of 3 servers answered: ${natsNodesOf(plan)
        .map((n) => n.name)
        .join(", ")}`,
    );
    expect(status["prometheus.ready"]).toBe("ok");
    expect(status["prometheus.rules"]).toMatch(/^(ok|fail)$/);
    for (const name of ["surveyor.healthz", "exporter.metrics", "loki.ready", "grafana.health"]) {
      const check = report.checks.find((c) => c.name === name)!;
      expect(check.status, name).toBe("fail");
      expect(check.detail, name).toMatch(/connection refused at 127\.0\.0\.1:\d+ \(nothing listens there\)/);
      expect(check.fix, name).toMatch(/^start /);
    }
    // Surveyor and the exporter are not replayed, so Prometheus sees them down and says why.
    const targets = report.checks.find((c) => c.name === "prometheus.targets")!;
    expect(targets.status).toBe("fail");
    expect(targets.detail).toMatch(/targets down: .*nats-surveyor/);
    expect(code).toBe(1);
    expect(seconds).toBeLessThan(60);
  });

  it("passes with exit 0 when only the parts that run here are checked", async () => {
    const { code, stdout } = await natsmon(["check", "--outputs", outputsFile, "--only", "nats"]);
    expect(stdout).toContain("natsmon check: 6 ok, 0 failed, 0 skipped");
    expect(code).toBe(0);
  });
});

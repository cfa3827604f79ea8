import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { labelsOf, type Plan, type PlanResource, uploadedFile } from "../helpers/plan.js";
import { publishedUrl, synthLivePlan } from "./live-plan.js";
import { PlanReplayer } from "./plan-replayer.js";
import { docker, requireTestbed, TESTBED_IMAGES } from "./testbed.js";
import { getJson, waitFor } from "./wait.js";

/**
 * The stack's Prometheus, created exactly as the plan says (command flags,
 * uploaded prometheus.yml and rule file, data volume, healthcheck) on the
 * Prometheus 2.42 stand-in: it loads the generated config and every rule
 * group, and scrapes itself. The other targets are not replayed, so they
 * are down; that they are listed is what counts here.
 */
describe("the stack's Prometheus on a real Docker engine", () => {
  let plan: Plan;
  let spec: PlanResource;
  let baseUrl: string;
  let replayer: PlanReplayer;

  beforeAll(async () => {
    await requireTestbed();
    plan = synthLivePlan();
    spec = Object.values(plan.resource.docker_container).find((c) => labelsOf(c)["natsmon.component"] === "prometheus")!;
    expect(spec, "the default stack has a Prometheus").toBeDefined();
    baseUrl = publishedUrl(spec, 9090);
    replayer = await PlanReplayer.start(docker, plan, TESTBED_IMAGES);
    await replayer.apply([spec.name]);
  });

  afterAll(async () => {
    await replayer?.cleanup();
  });

  it("runs with the plan's command flags", async () => {
    const { data: flags } = await getJson(`${baseUrl}/api/v1/status/flags`);
    for (const arg of spec.command as string[]) {
      const [flag, value = "true"] = arg.replace(/^--/, "").split("=");
      // Prometheus reads sizes in powers of 1024 and shows them so: the
      // plan's "10GB" (10 x 2^30 bytes, like the prop's "10G") reads "10GiB".
      expect(flags[flag], flag).toBe(value.replace(/^(\d+)([KMGTPE])B$/, "$1$2iB"));
    }
  });

  it("loads the generated prometheus.yml: its jobs, rule files and intervals", async () => {
    const generated = parse(uploadedFile(spec, "/etc/prometheus/prometheus.yml"));
    const { data } = await getJson(`${baseUrl}/api/v1/status/config`);
    const loaded = parse(data.yaml);
    const jobs = (config: any) => config.scrape_configs.map((job: { job_name: string }) => job.job_name);
    expect(jobs(loaded)).toEqual(jobs(generated));
    expect(jobs(loaded)).toContain("prometheus");
    expect(loaded.rule_files).toEqual(generated.rule_files);
    expect(loaded.global.scrape_interval).toBe(generated.global.scrape_interval);
    expect(loaded.global.evaluation_interval).toBe(generated.global.evaluation_interval);
  });

  it("loads every rule group of the generated rule file and evaluates every rule without error", async () => {
    const generated = parse(uploadedFile(spec, "/etc/prometheus/rules/nats-alerts.rules.yml"));
    const expected = generated.groups.map((group: any) => ({
      name: group.name,
      rules: group.rules.map((rule: any) => rule.alert ?? rule.record),
    }));
    expect(expected.length).toBeGreaterThan(0);
    // Rules report "unknown" health until their group's first evaluation.
    const groups = await waitFor(
      "every rule to be evaluated",
      async () => {
        const { data } = await getJson(`${baseUrl}/api/v1/rules`);
        const rules = data.groups.flatMap((group: any) => group.rules);
        const failed = rules.filter((rule: any) => rule.health === "err");
        if (failed.length > 0) throw new Error(`rules in error: ${failed.map((r: any) => `${r.name}: ${r.lastError}`).join("; ")}`);
        return rules.every((rule: any) => rule.health === "ok") ? data.groups : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 1_000, fatal: (error) => (error as Error).message.startsWith("rules in error") },
    );
    expect(groups.map((group: any) => ({ name: group.name, rules: group.rules.map((rule: any) => rule.name) }))).toEqual(expected);
  });

  it("fires the Watchdog, the dead man's switch", async () => {
    const watchdog = await waitFor(
      "the Watchdog to fire",
      async () => {
        const { data } = await getJson(`${baseUrl}/api/v1/alerts`);
        return data.alerts.find((alert: any) => alert.labels.alertname === "Watchdog" && alert.state === "firing");
      },
      { timeoutMs: 90_000, intervalMs: 1_000 },
    );
    expect(watchdog.labels).toEqual({ alertname: "Watchdog", severity: "none" });
  });

  it("scrapes itself, and lists every other job's targets", async () => {
    const prometheusTarget = await waitFor(
      "Prometheus's own target to be up",
      async () => {
        const { data } = await getJson(`${baseUrl}/api/v1/targets?state=active`);
        const own = data.activeTargets.find((target: any) => target.labels.job === "prometheus");
        return own?.health === "up" ? own : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 1_000 },
    );
    expect(prometheusTarget.scrapeUrl).toBe("http://localhost:9090/metrics");
    const generated = parse(uploadedFile(spec, "/etc/prometheus/prometheus.yml"));
    const { data } = await getJson(`${baseUrl}/api/v1/targets?state=active`);
    const jobs = new Set(data.activeTargets.map((target: any) => target.labels.job));
    expect([...jobs].sort()).toEqual(generated.scrape_configs.map((job: any) => job.job_name).sort());
  });

  it("keeps its TSDB on the plan's data volume, written as the image's user", async () => {
    const { Mounts, Config } = await docker.getContainer(spec.name).inspect();
    const data = Mounts.find((mount) => mount.Destination === "/prometheus");
    expect(data?.Name).toBe("live-prometheus-data");
    expect(Config.User, "the image's user: the plan sets none").toBe("nobody");
    const { data: runtime } = await getJson(`${baseUrl}/api/v1/status/runtimeinfo`);
    expect(runtime.storageRetention).toMatch(/15d/);
  });
});

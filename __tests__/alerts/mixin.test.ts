import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { MIXIN_PATHS, renderMixin } from "../../alerts/mixin.js";
import { HELM_PRESET_DISABLED_ALERTS } from "../../alerts/mixin-presets.js";
import { DASHBOARD_UIDS } from "../../contract/index.js";
import { runNatsmon } from "../cli/helpers/run-natsmon.js";
import { useTempDirs } from "../helpers/temp-dirs.js";
import { describeWithTool } from "../helpers/tools.js";

const ROOT = join(import.meta.dirname, "../..");
const tempDir = useTempDirs();

interface RuleFile {
  groups: { name: string; rules: { alert: string; expr: string; labels: Record<string, string> }[] }[];
}
const alertsOf = (file: RuleFile) => file.groups.flatMap((g) => g.rules);

describe("renderMixin", () => {
  it("with the docker preset writes the stack's committed rules, the same rules as a PrometheusRule, and the dashboards", () => {
    const files = renderMixin();
    expect(files[MIXIN_PATHS.rules]).toBe(readFileSync(join(ROOT, "alerts/generated/nats-alerts.rules.yml"), "utf8"));
    const manifest = parse(files[MIXIN_PATHS.prometheusRule]);
    expect(manifest.apiVersion).toBe("monitoring.coreos.com/v1");
    expect(manifest.kind).toBe("PrometheusRule");
    expect(manifest.metadata).toEqual({ name: "nats-jetstream-monitoring", labels: { prometheus: "k8s", role: "alert-rules" } });
    expect(manifest.spec).toEqual(parse(files[MIXIN_PATHS.rules]));
    const dashboards = Object.keys(files).filter((path) => path.startsWith(`${MIXIN_PATHS.dashboards}/`));
    expect(dashboards.sort()).toEqual(
      Object.values(DASHBOARD_UIDS)
        .map((uid) => `dashboards/${uid}.json`)
        .sort(),
    );
    for (const path of dashboards) expect(JSON.parse(files[path]).uid).toBe(path.slice("dashboards/".length, -".json".length));
  });

  it("with the nats-helm preset selects the charts' jobs and leaves out what kube-prometheus already has or the chart cannot serve", () => {
    const rules = alertsOf(parse(renderMixin({}, "nats-helm")[MIXIN_PATHS.rules]));
    const rule = (name: string) => rules.find((r) => r.alert === name);
    // The surveyor chart's ServiceMonitor: job = the Service = the release's fullname.
    expect(rule("NatsSurveyorNotScraped")?.expr).toBe('up{job="surveyor"} == 0');
    // The nats chart's PodMonitor: job = <namespace>/<PodMonitor name>.
    expect(rule("NatsExporterNotScraped")?.expr).toBe('up{job="nats/nats"} == 0');
    for (const name of HELM_PRESET_DISABLED_ALERTS) expect(rule(name), name).toBeUndefined();
    expect(rules.length).toBeGreaterThanOrEqual(25);
    for (const r of rules) expect(r.expr, r.alert).not.toMatch(/job="nats-(surveyor|exporter)"/);
  });

  it("follows Helm's fullname rule for other release names, and a config on top of the preset", () => {
    const files = renderMixin({ thresholds: { connectionsPerServer: 5000 }, extraLabels: { team: "messaging" } }, "nats-helm", {
      helm: { namespace: "messaging", natsRelease: "prod", surveyorRelease: "prod-surveyor" },
      ruleNamespace: "monitoring",
      ruleLabels: { release: "kube-prometheus-stack" },
    });
    const rules = alertsOf(parse(files[MIXIN_PATHS.rules]));
    expect(rules.find((r) => r.alert === "NatsExporterNotScraped")?.expr).toBe('up{job="messaging/prod-nats"} == 0');
    expect(rules.find((r) => r.alert === "NatsSurveyorNotScraped")?.expr).toBe('up{job="prod-surveyor"} == 0');
    expect(rules.find((r) => r.alert === "NatsTooManyConnections")?.expr).toBe('nats_core_connection_count{job="prod-surveyor"} > 5000');
    expect(rules.every((r) => r.labels.team === "messaging")).toBe(true);
    expect(parse(files[MIXIN_PATHS.prometheusRule]).metadata).toEqual({
      name: "nats-jetstream-monitoring",
      namespace: "monitoring",
      labels: { release: "kube-prometheus-stack" },
    });
  });

  it("refuses a bad config", () => {
    expect(() => renderMixin({ thresholds: { connectionPerServer: 1 } } as never, "nats-helm")).toThrow(/thresholds.connectionPerServer/);
  });
});

describeWithTool("promtool", "the mixin's files, checked by promtool", () => {
  it.each(["docker", "nats-helm"] as const)("pass promtool check rules, the rule file and the manifest's spec (%s)", (preset) => {
    const files = renderMixin({}, preset);
    const dir = tempDir({
      "rules.yml": files[MIXIN_PATHS.rules],
      "spec.yml": stringify(parse(files[MIXIN_PATHS.prometheusRule]).spec),
    });
    for (const file of ["rules.yml", "spec.yml"]) {
      const result = spawnSync("promtool", ["check", "rules", "--lint=all", "--lint-fatal", file], { cwd: dir, encoding: "utf8" });
      expect(result.status, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toMatch(/SUCCESS: \d+ rules found/);
    }
  });
});

describe("natsmon mixin (and npm run mixin)", () => {
  it("writes the files a preset and a config file ask for", async () => {
    const dir = tempDir({ "config.json": JSON.stringify({ thresholds: { consumerPendingMessages: 5000 } }) });
    const run = await runNatsmon([
      "mixin",
      "--out",
      join(dir, "out"),
      "--preset",
      "nats-helm",
      "--config",
      join(dir, "config.json"),
      "--rule-label",
      "release=kps",
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`wrote ${join(dir, "out", MIXIN_PATHS.prometheusRule)}`);
    const manifest = parse(readFileSync(join(dir, "out", MIXIN_PATHS.prometheusRule), "utf8"));
    expect(manifest.metadata.labels).toEqual({ release: "kps" });
    const rules = alertsOf(parse(readFileSync(join(dir, "out", MIXIN_PATHS.rules), "utf8")));
    expect(rules.find((r) => r.alert === "NatsConsumerBacklogHigh")?.expr).toContain("> 5000");
    expect(JSON.parse(readFileSync(join(dir, "out", "dashboards", `${DASHBOARD_UIDS.natsJetStreamCluster}.json`), "utf8")).uid).toBe(
      DASHBOARD_UIDS.natsJetStreamCluster,
    );
  });

  it("fails with the config file's problem and exit status 2", async () => {
    const dir = tempDir({ "config.json": JSON.stringify({ treshold: 1 }) });
    const run = await runNatsmon(["mixin", "--out", join(dir, "out"), "--config", join(dir, "config.json")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("treshold is not an alert config key, got 1 (did you mean thresholds?)");
  });

  it("runs as npm run mixin's script", () => {
    const dir = tempDir();
    const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/mixin.ts", "--out", dir], { cwd: ROOT, encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(join(dir, MIXIN_PATHS.rules), "utf8")).toBe(
      readFileSync(join(ROOT, "alerts/generated/nats-alerts.rules.yml"), "utf8"),
    );
  });
});

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Network } from "@cdktf/provider-docker/lib/network/index.js";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { NATS_ALERT_GROUPS, NatsMonitoringStack, type NatsMonitoringStackProps, natsAlertGroups, PrometheusStack } from "../../index.js";
import { container, type PlanResource, resourcesOf, synthesize, synthStack, uploadedFile, withoutMetadata } from "../helpers/plan.js";
import { describeWithTool } from "../helpers/tools.js";

const CONFIG = "/etc/prometheus/prometheus.yml";
const RULES = "/etc/prometheus/rules/nats-alerts.rules.yml";
const ROOT = join(import.meta.dirname, "../..");
const RULE_COUNT = NATS_ALERT_GROUPS.flatMap((g) => g.rules).length;

function prometheusOf(props: NatsMonitoringStackProps = {}): PlanResource {
  return container(synthStack(props).plan, props.namePrefix ? `${props.namePrefix}-prometheus` : "prometheus");
}
const configOf = (resource: PlanResource) => parse(uploadedFile(resource, CONFIG));

/** A stack with nothing but a network and a PrometheusStack. */
function standalone(props: Omit<ConstructorParameters<typeof PrometheusStack>[2], "network"> = {}) {
  const stack = new TerraformStack(Testing.app(), "test");
  const network = new Network(stack, "net", { name: "net" });
  return { stack, prometheus: new PrometheusStack(stack, "Prometheus", { network, ...props }) };
}

describe("PrometheusStack", () => {
  it("runs the pinned image with explicit config, storage and retention flags", () => {
    const prometheus = prometheusOf();
    expect(prometheus.command).toEqual([
      "--config.file=/etc/prometheus/prometheus.yml",
      "--storage.tsdb.path=/prometheus",
      "--storage.tsdb.retention.time=15d",
      "--storage.tsdb.retention.size=10GB",
    ]);
    expect(prometheus.entrypoint).toBeUndefined();
    expect(prometheus.ports).toEqual([{ internal: 9090, external: 9090, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(prometheus.healthcheck.test).toEqual(["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:9090/-/ready"]);
    expect(prometheus.stop_timeout).toBe(60);
  });

  it("keeps its data on the prometheus-data volume, prefixed when the stack is", () => {
    const { plan } = synthStack();
    const volumes = Object.entries(resourcesOf(plan, "docker_volume")).filter(([, v]) => v.name === "prometheus-data");
    expect(volumes).toHaveLength(1);
    expect(container(plan, "prometheus").volumes).toEqual([
      { container_path: "/prometheus", read_only: false, volume_name: `\${docker_volume.${volumes[0][0]}.name}` },
    ]);
    const prefixed = Object.values(resourcesOf(synthStack({ namePrefix: "team" }).plan, "docker_volume")).map((v) => v.name);
    expect(prefixed).toContain("team-prometheus-data");
  });

  it("scrapes itself, Surveyor, the exporter, Loki, Alloy and Grafana every 30s and loads the committed rules", () => {
    const prometheus = prometheusOf();
    const config = configOf(prometheus);
    expect(config.global).toEqual({ scrape_interval: "30s", evaluation_interval: "30s" });
    expect(
      config.scrape_configs.map((j: { job_name: string; static_configs: { targets: string[] }[] }) => [
        j.job_name,
        j.static_configs[0].targets,
      ]),
    ).toEqual([
      ["prometheus", ["localhost:9090"]],
      ["nats-surveyor", ["nats-surveyor:7777"]],
      ["nats-exporter", ["nats-exporter:7777"]],
      ["loki", ["loki:3100"]],
      ["alloy", ["alloy:12345"]],
      ["grafana", ["grafana:3000"]],
    ]);
    expect(config.rule_files).toEqual([RULES]);
    expect(config).not.toHaveProperty("alerting");
    expect(uploadedFile(prometheus, RULES)).toBe(readFileSync(join(ROOT, "alerts/generated/nats-alerts.rules.yml"), "utf8"));
  });

  it("keeps job names and follows container names under a prefix", () => {
    const config = configOf(prometheusOf({ namePrefix: "team" }));
    expect(config.scrape_configs[1]).toEqual({ job_name: "nats-surveyor", static_configs: [{ targets: ["team-nats-surveyor:7777"] }] });
  });

  it("renders targets added after construction, at synth time", () => {
    const stack = new NatsMonitoringStack(Testing.app(), "test", { loki: false, grafana: false });
    stack.prometheus?.addScrapeTarget({ jobName: "loki", targets: ["loki:3100"] });
    stack.prometheus?.addScrapeTarget({ scrapeTarget: { jobName: "grafana", targets: ["grafana:3000"], scrapeInterval: "1m" } });
    const config = configOf(container(synthesize(stack).plan, "prometheus"));
    expect(config.scrape_configs.slice(-2)).toEqual([
      { job_name: "loki", static_configs: [{ targets: ["loki:3100"] }] },
      { job_name: "grafana", scrape_interval: "1m", static_configs: [{ targets: ["grafana:3000"] }] },
    ]);
    expect(stack.prometheus?.scrapeJobs.map((j) => j.jobName)).toEqual(["prometheus", "nats-surveyor", "nats-exporter", "loki", "grafana"]);
  });

  it("changes the container (through its spec hash) when a target is added later", () => {
    const hashOf = (addLoki: boolean) => {
      const stack = new NatsMonitoringStack(Testing.app(), "test", {});
      if (addLoki) stack.prometheus?.addScrapeTarget({ jobName: "other-loki", targets: ["other-loki:3100"] });
      const labels = container(synthesize(stack).plan, "prometheus").labels as { label: string; value: string }[];
      return labels.find((l) => l.label === "natsmon.spec-hash")?.value;
    };
    expect(hashOf(true)).not.toBe(hashOf(false));
  });

  it("refuses duplicate jobs and malformed targets, naming the fix", () => {
    const { prometheus } = standalone({ targets: [{ jobName: "a", targets: ["a:1"] }] });
    expect(() => prometheus.addScrapeTarget({ jobName: "a", targets: ["b:2"] })).toThrow(
      /PrometheusStack "test\/Prometheus": scrape target must have a job name that no other job of this Prometheus uses, got "a"/,
    );
    expect(() => prometheus.addScrapeTarget({ jobName: "prometheus", targets: ["b:2"] })).toThrow(/no other job/);
    expect(() => prometheus.addScrapeTarget({ jobName: "b", targets: ["http://b:2/metrics"] })).toThrow(/must list host:port targets/);
    expect(() => prometheus.addScrapeTarget({ jobName: "c", targets: ["c:3"], scrapeInterval: "often" })).toThrow(
      /scrapeInterval must be a Prometheus duration/,
    );
    expect(() => prometheus.addScrapeTarget({ jobName: "d", targets: ["d:4"], metricsPath: "metrics" })).toThrow(
      /metricsPath must be an absolute path/,
    );
  });

  it("follows the scrape interval, retention and admin API props", () => {
    const prometheus = prometheusOf({ prometheus: { scrapeInterval: "15s", retentionTime: "4w", retentionSize: "512M", adminApi: false } });
    expect(configOf(prometheus).global).toEqual({ scrape_interval: "15s", evaluation_interval: "15s" });
    expect(prometheus.command).toEqual(expect.arrayContaining(["--storage.tsdb.retention.time=4w", "--storage.tsdb.retention.size=512MB"]));
    expect(prometheus.command).not.toContain("--web.enable-admin-api");
    expect(configOf(prometheusOf({ prometheus: { evaluationInterval: "1m" } })).global.evaluation_interval).toBe("1m");
  });

  it("keeps the unauthenticated admin API off by default, on any bind address, and on only when asked", () => {
    expect(prometheusOf({ bindAddress: "0.0.0.0", exposeToAllNetworks: true }).command).not.toContain("--web.enable-admin-api");
    expect(prometheusOf({}).command).not.toContain("--web.enable-admin-api");
    expect(prometheusOf({ bindAddress: "0.0.0.0", exposeToAllNetworks: true, prometheus: { adminApi: true } }).command).toContain(
      "--web.enable-admin-api",
    );
    expect(standalone().prometheus.adminApiEnabled).toBe(false);
  });

  it.each([
    [{ scrapeInterval: "fast" }, /scrapeInterval must be a Prometheus duration of at least 1s, got "fast"/],
    [{ scrapeInterval: "500ms" }, /scrapeInterval must be a Prometheus duration of at least 1s/],
    [{ retentionTime: "15 days" }, /retentionTime must be a Prometheus duration/],
    [{ retentionSize: "lots" }, /retentionSize must be a size/],
    [{ hostPort: 0 }, /hostPort must be a TCP port/],
  ])("rejects %j", (props, message) => {
    expect(() => standalone(props)).toThrow(message);
  });

  it("offers itself to Grafana as the data source with uid prometheus", () => {
    const { prometheus } = standalone({ namePrefix: "team" });
    expect(prometheus.dataSource).toEqual({
      uid: "prometheus",
      name: "Prometheus",
      type: "prometheus",
      url: "http://team-prometheus:9090",
    });
    expect(prometheus.hostUrl).toBe("http://127.0.0.1:9090");
    expect(prometheus.alertmanagerUrl).toBeUndefined();
  });

  it("loads no rule file when given no rules", () => {
    const { stack } = standalone({ alertRules: [] });
    const prometheus = container(synthesize(stack).plan, "prometheus");
    expect(prometheus.upload.map((u: { file: string }) => u.file)).toEqual([CONFIG]);
    expect(configOf(prometheus)).not.toHaveProperty("rule_files");
  });

  it("is left untouched when the cluster grows from 3 to 5 nodes", () => {
    expect(withoutMetadata(prometheusOf({ nats: { nodes: 5 } }))).toEqual(withoutMetadata(prometheusOf({ nats: { nodes: 3 } })));
  });
});

describe("PrometheusStack with Alertmanager", () => {
  const withAlertmanager = (alertmanager: NonNullable<NatsMonitoringStackProps["prometheus"] & object>["alertmanager"]) =>
    synthStack({ prometheus: { alertmanager } }).plan;

  it("runs Alertmanager with its data volume, sends alerts to it and scrapes it", () => {
    const plan = withAlertmanager(true);
    const am = container(plan, "alertmanager");
    expect(am.command).toEqual([
      "--config.file=/etc/alertmanager/alertmanager.yml",
      "--storage.path=/alertmanager",
      "--cluster.listen-address=",
    ]);
    expect(am.ports).toEqual([{ internal: 9093, external: 9093, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(am.healthcheck.test).toEqual(["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:9093/-/ready"]);
    expect(Object.values(resourcesOf(plan, "docker_volume")).map((v) => v.name)).toContain("alertmanager-data");
    const config = configOf(container(plan, "prometheus"));
    expect(config.alerting).toEqual({ alertmanagers: [{ static_configs: [{ targets: ["alertmanager:9093"] }] }] });
    expect(config.scrape_configs.map((j: { job_name: string }) => j.job_name)).toContain("alertmanager");
    expect(parse(uploadedFile(am, "/etc/alertmanager/alertmanager.yml")).receivers).toEqual([{ name: "null" }]);
  });

  it("exposes Alertmanager's network URL for Loki's ruler and both volumes", () => {
    const { stack, prometheus } = standalone({ namePrefix: "team", alertmanager: { hostPort: 19093 } });
    expect(prometheus.alertmanagerUrl).toBe("http://team-alertmanager:9093");
    expect(prometheus.alertmanager?.hostUrl).toBe("http://127.0.0.1:19093");
    const volumes = resourcesOf(synthesize(stack).plan, "docker_volume");
    expect(prometheus.dataVolumes.map((v) => volumes[v.friendlyUniqueId].name)).toEqual(["team-prometheus-data", "team-alertmanager-data"]);
  });

  it("takes a webhook URL from a sensitive variable without writing it into the plan", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const network = new Network(stack, "net", { name: "net" });
    const url = new TerraformVariable(stack, "alert_webhook", { type: "string", sensitive: true });
    new PrometheusStack(stack, "Prometheus", { network, alertmanager: { webhookUrl: url.stringValue } });
    const am = container(synthesize(stack).plan, "alertmanager");
    expect(uploadedFile(am, "/etc/alertmanager/alertmanager.yml")).toContain("url: ${var.alert_webhook}");
  });

  it("rejects a webhook that is not an http(s) URL", () => {
    expect(() => standalone({ alertmanager: { webhookUrl: "hooks.example.com" } })).toThrow(
      /Alertmanager "test\/Prometheus\/Alertmanager": webhookUrl must be an http\(s\) URL/,
    );
  });
});

describeWithTool("promtool", "the synthesized prometheus.yml, checked by promtool", () => {
  /** The container's config and rules, written to a folder with the rule path pointing into it. */
  function writeContainerFiles(prometheus: PlanResource): string {
    const dir = mkdtempSync(join(tmpdir(), "natsmon-prometheus-"));
    mkdirSync(join(dir, "rules"));
    writeFileSync(join(dir, "rules", "nats-alerts.rules.yml"), uploadedFile(prometheus, RULES));
    writeFileSync(join(dir, "prometheus.yml"), uploadedFile(prometheus, CONFIG).replace("/etc/prometheus/rules/", `${dir}/rules/`));
    return dir;
  }

  it.each([
    ["the default stack", {}, RULE_COUNT],
    // With an Alertmanager, the rules about reaching it join the others.
    [
      "15s scrapes, Alertmanager and a prefix",
      { namePrefix: "team", prometheus: { scrapeInterval: "15s", alertmanager: true } },
      natsAlertGroups({ expectAlertmanager: true }).flatMap((g) => g.rules).length,
    ],
  ])("passes promtool check config for %s", (_name, props: NatsMonitoringStackProps, ruleCount: number) => {
    const dir = writeContainerFiles(prometheusOf(props));
    const result = spawnSync("promtool", ["check", "config", "prometheus.yml"], { cwd: dir, encoding: "utf8" });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`SUCCESS: ${ruleCount} rules found`);
  });
});

describeWithTool("amtool", "the synthesized alertmanager.yml, checked by amtool", () => {
  it("passes amtool check-config", () => {
    const am = container(synthStack({ prometheus: { alertmanager: true } }).plan, "alertmanager");
    const file = join(mkdtempSync(join(tmpdir(), "natsmon-am-")), "alertmanager.yml");
    writeFileSync(file, uploadedFile(am, "/etc/alertmanager/alertmanager.yml"));
    const result = spawnSync("amtool", ["check-config", file], { encoding: "utf8" });
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });
});

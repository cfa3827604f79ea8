import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ALERTS_DOCS_PAGE, resolveAlertConfig } from "../../alerts/config.js";
import { WATCHDOG_ALERT } from "../../alerts/groups/monitoring.js";
import { NATS_ALERT_TESTS, natsAlertTests } from "../../alerts/nats-rule-tests.js";
import { NATS_ALERT_GROUPS, natsAlertGroups } from "../../alerts/nats-rules.js";
import { RULES_FILE_NAME, renderRulesFile, renderTestFile, testFileName } from "../../alerts/render.js";
import type { AlertRule } from "../../alerts/rule-types.js";
import { LOG_LABELS } from "../../contract/log-labels.js";
import { catalogMetric, isKnownMetric, isMonotonic, mayCarryHostLabel } from "../../contract/metric-catalog.js";
import {
  ALL_ALERT_GROUPS,
  GENERATED_DIR,
  generatedAlertFiles,
  RULES_TABLE_DOC,
  TUNED_ALERT_GROUPS,
  TUNED_ALERT_TESTS,
  TUNED_GENERATED_DIR,
  withCurrentRulesTable,
} from "../../scripts/alerts/generated-files.js";
import { promqlReferences } from "../helpers/promql-analysis.js";
import { promqlErrors } from "../helpers/query-grammar.js";
import { describeWithTool } from "../helpers/tools.js";

const ROOT = join(import.meta.dirname, "../..");
const RULES = NATS_ALERT_GROUPS.flatMap((group) => group.rules);
const TUNED_RULES = TUNED_ALERT_GROUPS.flatMap((group) => group.rules);
/** The rules of a stack with cAdvisor, the default thresholds otherwise. */
const CONTAINER_CONFIG = { expectContainerMetrics: true } as const;
const CONTAINER_GROUPS = natsAlertGroups(CONTAINER_CONFIG);
const CONTAINER_RULES = CONTAINER_GROUPS.find((group) => group.name === "containers")?.rules ?? [];
/** The rules of a stack over several hosts. */
const HOST_RULES = natsAlertGroups({ expectHosts: true }).flatMap((group) => group.rules);
/** Names outside the Nats prefix: kube-prometheus's conventional ones, and the monitoring stack's own. */
const NAME = /^((Nats|Prometheus|Alertmanager)[A-Z][A-Za-z]+|Watchdog|InfoInhibitor|MonitoringTargetDown|LogPipelineSilent)$/;
/** Strips label matchers, so a check reads the shape of an expression whatever the config's selectors. */
const withoutMatchers = (expr: string) => expr.replace(/\{[^}]*\}/g, "");
/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = ["job", "instance"];

/** The target labels a metric's series may carry: job and instance, and host on the per-host agents' series. */
const targetLabelsOf = (metric: string) => [...TARGET_LABELS, ...(mayCarryHostLabel(catalogMetric(metric)) ? [LOG_LABELS.host] : [])];

/** What is wrong with a rule's expression, judged against the metric catalog. */
function expressionProblems(expr: string): string[] {
  const grammar = promqlErrors(expr);
  if (grammar.length > 0) return grammar;
  const refs = promqlReferences(expr);
  const problems: string[] = [];
  const known = [...refs.metrics].filter(isKnownMetric);
  for (const metric of refs.metrics) if (!isKnownMetric(metric)) problems.push(`${metric} is not in the metric catalog`);
  for (const [metric, labels] of refs.matchedLabels) {
    if (!isKnownMetric(metric)) continue;
    const allowed = [...catalogMetric(metric).labels, ...targetLabelsOf(metric)];
    for (const label of labels) if (!allowed.includes(label)) problems.push(`${metric} has no label ${label}`);
  }
  const anyLabel = new Set([...known.flatMap(targetLabelsOf), ...known.flatMap((m) => catalogMetric(m).labels)]);
  for (const label of refs.groupingLabels) if (!anyLabel.has(label)) problems.push(`no metric of the expression has a label ${label}`);
  for (const metric of refs.counterFunctionArguments) {
    if (isKnownMetric(metric) && !isMonotonic(catalogMetric(metric)))
      problems.push(`${metric} is not cumulative, so rate()/increase() on it is wrong`);
  }
  return problems;
}

describe("NATS alert rules", () => {
  it("are at least 35, uniquely named, each with severity, summary, description, action and for", () => {
    expect(RULES.length).toBeGreaterThanOrEqual(35);
    expect(new Set(RULES.map((r) => r.alert)).size).toBe(RULES.length);
    for (const rule of RULES) {
      expect(rule.alert, rule.alert).toMatch(NAME);
      expect(["critical", "warning", "info", "none"]).toContain(rule.severity);
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      for (const text of [rule.summary, rule.description, rule.action]) expect(text.length, rule.alert).toBeGreaterThan(20);
    }
  });

  it("include the guide's rules, its tuning advice and what an operator must know", () => {
    const names = RULES.map((r) => r.alert);
    expect(names).toEqual(
      expect.arrayContaining([
        "NatsServerDown",
        "NatsJetStreamMemoryHigh",
        "NatsTooManyConnections",
        "NatsConsumerBacklogHigh",
        "NatsJetStreamStorageHigh",
        "NatsJetStreamMetaLeaderMissing",
        "NatsJetStreamMetaPeerOffline",
        "NatsJetStreamMetaPeerLagging",
        "NatsSlowConsumers",
        "NatsJetStreamApiErrors",
        "NatsRouteMissing",
        "NatsSurveyorNotScraped",
        "NatsExporterNotScraped",
      ]),
    );
  });

  it("mean what their names say: a server down is missing from the survey, memory is a ratio of the limit", () => {
    const rule = (name: string) => RULES.find((r) => r.alert === name) as AlertRule;
    expect(rule("NatsServerDown").expr).not.toMatch(/\bup\b/);
    expect(rule("NatsServerDown").expr).toContain("nats_core_info");
    expect(withoutMatchers(rule("NatsJetStreamMemoryHigh").expr)).toMatch(
      /nats_core_jetstream_memstore_used_bytes\s*\/\s*\(nats_core_jetstream_memstore_size_bytes/,
    );
    expect(rule("NatsJetStreamMemoryHigh").expr).toMatch(/> 0\.8$/);
    // A host is lost when every target labelled with it is down, and it has more than one (its exporter alone is NatsExporterNotScraped).
    const host = HOST_RULES.find((r) => r.alert === "NatsHostUnreachable") as AlertRule;
    expect(withoutMatchers(host.expr).replace(/\s+/g, " ")).toBe("( count by (host) (up == 0) == on (host) count by (host) (up) ) > 1");
    expect(host.expr).toContain('up{host!=""}');
  });

  it.each(RULES.map((r) => [r.alert, r.expr]))("%s parses and names only catalogued metrics and labels", (_alert, expr) => {
    expect(expressionProblems(expr)).toEqual([]);
  });

  it.each(CONTAINER_RULES.map((r) => [r.alert, r.expr]))(
    "%s (with cAdvisor) parses and names only catalogued metrics and labels",
    (_alert, expr) => {
      expect(expressionProblems(expr)).toEqual([]);
    },
  );

  it("hold the container rules only when container metrics are expected", () => {
    expect(CONTAINER_RULES.map((r) => r.alert)).toEqual(["ContainerRestarting", "ContainerOomKilled"]);
    expect(RULES.map((r) => r.alert)).not.toContain("ContainerRestarting");
    expect(CONTAINER_RULES[0].expr).toContain('container_start_time_seconds{job="cadvisor"}[15m]');
    expect(CONTAINER_RULES[0].expr).toMatch(/>= 1$/);
    const tuned = TUNED_RULES.find((r) => r.alert === "ContainerRestarting");
    expect(tuned?.expr).toContain('job="monitoring/cadvisor"');
    expect(tuned?.expr).toMatch(/>= 3$/);
  });

  it("hold the host rule only when targets carry a host label", () => {
    expect(RULES.map((r) => r.alert)).not.toContain("NatsHostUnreachable");
    expect(HOST_RULES.map((r) => r.alert)).toContain("NatsHostUnreachable");
    expect(TUNED_RULES.map((r) => r.alert)).toContain("NatsHostUnreachable");
    expect(expressionProblems(HOST_RULES.find((r) => r.alert === "NatsHostUnreachable")?.expr ?? "")).toEqual([]);
  });

  it.each(TUNED_RULES.map((r) => [r.alert, r.expr]))(
    "%s of the tuned config parses and names only catalogued metrics and labels",
    (_alert, expr) => {
      expect(expressionProblems(expr)).toEqual([]);
    },
  );

  it("follow the config: thresholds, for, severities, labels, selectors, runbook URLs and disabled alerts", () => {
    const tuned = (name: string) => TUNED_RULES.find((r) => r.alert === name) as AlertRule;
    const all = natsAlertGroups({ expectAlertmanager: true, expectContainerMetrics: true, expectHosts: true }).flatMap((g) => g.rules);
    const base = (name: string) => all.find((r) => r.alert === name) as AlertRule;
    expect(tuned("NatsTooManyConnections").expr).toBe('nats_core_connection_count{job="nats/surveyor"} > 400');
    expect(tuned("NatsTooManyConnections").severity).toBe("critical");
    expect(tuned("NatsServerDown").for).toBe("5m");
    expect(base("NatsServerDown").for).toBe("2m");
    expect(tuned("NatsJetStreamMemoryHigh").description).toContain("more than 70% of max_memory_store");
    expect(tuned("NatsServerDown").labels).toEqual({ team: "messaging", env: "test" });
    expect(tuned("NatsServerDown").runbookUrl).toBe("https://runbooks.example.com/nats#natsserverdown");
    expect(base("NatsServerDown").runbookUrl).toBe(`${ALERTS_DOCS_PAGE}#natsserverdown`);
    expect(TUNED_RULES.map((r) => r.alert)).not.toContain("NatsServerUnhealthy");
    for (const rule of TUNED_RULES) {
      expect(rule.expr, rule.alert).not.toContain('job="nats-surveyor"');
      if (rule.alert !== WATCHDOG_ALERT && rule.alert !== "InfoInhibitor") expect(rule.for, rule.alert).not.toBe(base(rule.alert).for);
    }
  });

  it("the expression checks catch the guide's mistakes and wrong labels", () => {
    expect(expressionProblems("nats_jetstream_memory / (1024*1024*1024) > 0.8")).toEqual([
      "nats_jetstream_memory is not in the metric catalog",
    ]);
    expect(expressionProblems('nats_core_jetstream_memstore_used_bytes{server_cluster="nats"} > 0')).toEqual([
      "nats_core_jetstream_memstore_used_bytes has no label server_cluster",
    ]);
    expect(expressionProblems("sum by (stream_name) (nats_consumer_num_pending) > 0")).toEqual([
      "no metric of the expression has a label stream_name",
    ]);
    expect(expressionProblems("rate(nats_core_connection_count[5m]) > 1")).toEqual([
      "nats_core_connection_count is not cumulative, so rate()/increase() on it is wrong",
    ]);
    expect(expressionProblems("sum(rate(nats_core_recv_msgs_count[5m])")).not.toEqual([]);
    // Surveyor runs once, on the monitoring host: its series carry no host label.
    expect(expressionProblems('max by (host) (nats_core_info{host="h2"}) > 0')).toEqual([
      "nats_core_info has no label host",
      "no metric of the expression has a label host",
    ]);
    expect(expressionProblems('max by (host) (node_load1{host="h2"}) > 0')).toEqual([]);
  });

  it.each([
    ["default", RULES, NATS_ALERT_TESTS],
    ["tuned", TUNED_RULES, TUNED_ALERT_TESTS],
  ] as const)("have a firing and a silent promtool case each (%s config)", (_config, rules, tests) => {
    for (const rule of rules) {
      const cases = tests[rule.alert] ?? [];
      expect(
        cases.some((c) => c.expect.length > 0),
        `${rule.alert} fires in a case`,
      ).toBe(true);
      // The Watchdog always fires: that is its job.
      if (rule.alert === WATCHDOG_ALERT) continue;
      expect(
        cases.some((c) => c.expect.length === 0),
        `${rule.alert} stays silent in a case`,
      ).toBe(true);
    }
    expect(Object.keys(tests).sort()).toEqual(rules.map((r) => r.alert).sort());
  });

  it("are committed as generated files that are up to date (run `npm run alerts` after a change)", () => {
    const files = generatedAlertFiles();
    expect(Object.keys(files)).toContain(`${GENERATED_DIR}/${RULES_FILE_NAME}`);
    for (const [path, content] of Object.entries(files)) {
      expect(content.startsWith("# Generated by nats-jetstream-monitoring"), path).toBe(true);
      expect(readFileSync(join(ROOT, path), "utf8"), `${path} is out of date: run npm run alerts`).toBe(content);
    }
  });

  it(`are listed in the table of ${RULES_TABLE_DOC}, which is up to date`, () => {
    const page = readFileSync(join(ROOT, RULES_TABLE_DOC), "utf8");
    expect(page, `the rules table in ${RULES_TABLE_DOC} is out of date: run npm run alerts`).toBe(withCurrentRulesTable(page));
    for (const rule of RULES) expect(page).toContain(`| \`${rule.alert}\` |`);
    // Each runbook_url points at the alert's row on that page.
    for (const rule of ALL_ALERT_GROUPS.flatMap((g) => g.rules)) {
      expect(page, rule.alert).toContain(`<a id="${rule.runbookUrl?.split("#")[1]}"></a> | \`${rule.alert}\` |`);
    }
  });
});

describeWithTool("promtool", "NATS alert rules, checked by promtool", () => {
  const generated = join(ROOT, GENERATED_DIR);
  const promtool = (args: string[], cwd: string) => spawnSync("promtool", args, { cwd, encoding: "utf8" });

  it("pass promtool check rules with every lint", () => {
    const result = promtool(["check", "rules", "--lint=all", "--lint-fatal", RULES_FILE_NAME], generated);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`SUCCESS: ${RULES.length} rules found`);
  });

  it("pass promtool test rules for the container rules with the default thresholds", () => {
    const dir = mkdtempSync(join(tmpdir(), "natsmon-container-rules-"));
    const group = CONTAINER_GROUPS.find((g) => g.name === "containers");
    if (!group) throw new Error("no containers group");
    writeFileSync(join(dir, RULES_FILE_NAME), renderRulesFile(CONTAINER_GROUPS));
    writeFileSync(
      join(dir, testFileName(group)),
      renderTestFile(group, natsAlertTests(CONTAINER_GROUPS, resolveAlertConfig(CONTAINER_CONFIG))),
    );
    const result = promtool(["test", "rules", testFileName(group)], dir);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain("SUCCESS");
  });

  it.each(NATS_ALERT_GROUPS.map((g) => testFileName(g)))("pass promtool test rules %s, run from its folder", (file) => {
    const result = promtool(["test", "rules", file], generated);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain("SUCCESS");
  });

  it("of the tuned config pass promtool check rules with every lint", () => {
    const result = promtool(["check", "rules", "--lint=all", "--lint-fatal", RULES_FILE_NAME], join(ROOT, TUNED_GENERATED_DIR));
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`SUCCESS: ${TUNED_RULES.length} rules found`);
  });

  it.each(TUNED_ALERT_GROUPS.map((g) => testFileName(g)))("of the tuned config pass promtool test rules %s", (file) => {
    const result = promtool(["test", "rules", file], join(ROOT, TUNED_GENERATED_DIR));
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain("SUCCESS");
  });

  it("fail the tuned cases on the default rules: the inputs follow the config", () => {
    const dir = mkdtempSync(join(tmpdir(), "natsmon-rules-"));
    copyFileSync(join(generated, RULES_FILE_NAME), join(dir, RULES_FILE_NAME));
    for (const group of ["nats-clients", "nats-jetstream"]) {
      copyFileSync(join(ROOT, TUNED_GENERATED_DIR, `${group}.test.yml`), join(dir, `${group}.test.yml`));
      const result = promtool(["test", "rules", `${group}.test.yml`], dir);
      expect(result.status, group).not.toBe(0);
      expect(result.stdout + result.stderr).toContain("FAILED");
    }
  });

  it("fail their promtool cases when an expression is wrong, e.g. the guide's server-down rule", () => {
    const dir = mkdtempSync(join(tmpdir(), "natsmon-rules-"));
    const broken = NATS_ALERT_GROUPS.map((group) => ({
      ...group,
      rules: group.rules.map((r) => (r.alert === "NatsServerDown" ? { ...r, expr: 'up{job="nats-surveyor"} == 0' } : r)),
    }));
    writeFileSync(join(dir, RULES_FILE_NAME), renderRulesFile(broken));
    copyFileSync(join(generated, "nats-availability.test.yml"), join(dir, "nats-availability.test.yml"));
    const result = promtool(["test", "rules", "nats-availability.test.yml"], dir);
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toContain("alertname: NatsServerDown");
  });
});

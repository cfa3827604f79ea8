import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { LOKI_RULES_DIR, renderLokiConfig } from "../../../constructs/config/loki-config.js";
import { ERROR_RATIO_ALERT, lokiRuleExpressions, natsErrorRatioQuery, renderLokiRules } from "../../../constructs/config/loki-rules.js";
import { logqlErrors } from "../../helpers/query-grammar.js";

describe("renderLokiConfig", () => {
  const config = parse(renderLokiConfig({ retentionPeriod: "168h" }));

  it("retains through the compactor, not the table manager", () => {
    expect(config.compactor).toMatchObject({
      retention_enabled: true,
      delete_request_store: "filesystem",
      working_directory: "/loki/compactor",
    });
    expect(config.limits_config).toEqual({ retention_period: "168h", deletion_mode: "disabled" });
    expect(config.table_manager).toBeUndefined();
    expect(JSON.stringify(config)).not.toContain("retention_deletes_enabled");
  });

  it("stores a TSDB index with schema v13 on the filesystem, in the data volume", () => {
    expect(config.schema_config.configs).toEqual([
      { from: "2024-01-01", store: "tsdb", object_store: "filesystem", schema: "v13", index: { prefix: "index_", period: "24h" } },
    ]);
    expect(config.common).toMatchObject({ path_prefix: "/loki", storage: { filesystem: { chunks_directory: "/loki/chunks" } } });
    expect(config.auth_enabled).toBe(false);
    expect(config.analytics).toEqual({ reporting_enabled: false });
    expect(config.server.http_listen_port).toBe(3100);
  });

  it("runs the ruler on the uploaded rules, with writable scratch space on the volume", () => {
    expect(config.ruler).toMatchObject({
      storage: { type: "local", local: { directory: LOKI_RULES_DIR } },
      rule_path: "/loki/rules-temp",
      wal: { dir: "/loki/ruler-wal" },
      enable_api: true,
    });
    expect(config.ruler.alertmanager_url).toBeUndefined();
  });

  it("sends alerts to an Alertmanager when given one", () => {
    const withAm = parse(renderLokiConfig({ retentionPeriod: "720h", alertmanagerUrl: "http://alertmanager:9093" }));
    expect(withAm.ruler.alertmanager_url).toBe("http://alertmanager:9093");
    expect(withAm.limits_config.retention_period).toBe("720h");
  });
});

describe("renderLokiRules", () => {
  const input = { errorRatioThreshold: 0.01, window: "15m", for: "5m" };
  const rules = parse(renderLokiRules(input));

  it("turns the guide's ERROR above 1% advice into an alert per NATS server", () => {
    const [group] = rules.groups;
    expect(group.name).toBe("nats-logs");
    const [rule] = group.rules;
    expect(rule).toMatchObject({ alert: ERROR_RATIO_ALERT, for: "5m", labels: { severity: "warning" } });
    expect(rule.expr).toBe(
      [
        'sum by (container_name) (count_over_time({job="nats", log_level=~"ERROR|FATAL"}[15m]))',
        "/",
        'sum by (container_name) (count_over_time({job="nats"}[15m]))',
        "> 0.01",
      ].join("\n"),
    );
    expect(rule.annotations.summary).toBe("NATS server {{ $labels.container_name }} logs more than 1% ERROR lines");
  });

  it("writes the threshold it is given", () => {
    const [rule] = parse(renderLokiRules({ ...input, errorRatioThreshold: 0.005 })).groups[0].rules;
    expect(rule.expr.endsWith("> 0.005")).toBe(true);
    expect(rule.annotations.summary).toContain("0.5%");
  });

  it("evaluates only LogQL that parses", () => {
    const expressions = [...lokiRuleExpressions(input), natsErrorRatioQuery("1h")];
    for (const expr of expressions) expect(logqlErrors(expr), expr).toEqual([]);
    // The selector the description tells operators to paste into Explore.
    const selector = /\{job="nats", container_name="[^"]*", log_level="ERROR"\}/.exec(rules.groups[0].rules[0].annotations.description);
    expect(selector).not.toBeNull();
    expect(logqlErrors(selector?.[0].replace("{{ $labels.container_name }}", "nats-node1") ?? "")).toEqual([]);
  });
});

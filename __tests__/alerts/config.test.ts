import { describe, expect, it } from "vitest";
import { DEFAULT_ALERT_CONFIG, mergeAlertConfigs, resolveAlertConfig } from "../../alerts/config.js";
import { alertConfigProblems, formatAlertConfigProblems } from "../../alerts/config-validation.js";
import { durationMinutes, selectorLabels } from "../../alerts/nats-rule-tests.js";
import { NATS_ALERT_GROUPS, natsAlertGroups } from "../../alerts/nats-rules.js";
import { TUNED_ALERT_CONFIG } from "../../scripts/alerts/tuned-config.js";

const paths = (config: unknown) => alertConfigProblems(config).map((p) => p.path);

describe("the alert config", () => {
  it("defaults to what the project ships, and natsAlertGroups() without a config gives the committed rules", () => {
    expect(resolveAlertConfig()).toEqual(DEFAULT_ALERT_CONFIG);
    expect(DEFAULT_ALERT_CONFIG.thresholds.connectionsPerServer).toBe(1000);
    expect(natsAlertGroups()).toEqual(NATS_ALERT_GROUPS);
  });

  it("accepts the tuned config of the tests without a problem", () => {
    expect(alertConfigProblems(TUNED_ALERT_CONFIG)).toEqual([]);
  });

  it("refuses unknown keys, unknown alerts and thresholds, so a typo cannot keep a default silently", () => {
    expect(paths({ treshold: {} })).toEqual(["treshold"]);
    expect(paths({ thresholds: { connectionPerServer: 5 } })).toEqual(["thresholds.connectionPerServer"]);
    expect(paths({ for: { NatsServerDwn: "5m" } })).toEqual(["for.NatsServerDwn"]);
    expect(paths({ severities: { NatsServerDown: "page" } })).toEqual(["severities.NatsServerDown"]);
    expect(paths({ disabledAlerts: ["NatsNope"] })).toEqual(["disabledAlerts[0]"]);
    expect(alertConfigProblems({ for: { NatsServerDwn: "5m" } })[0].fix).toBe("did you mean NatsServerDown?");
    expect(alertConfigProblems({ for: { AlertmanagerNotificationsFailing: "5m" } })).toEqual([]);
  });

  it("refuses wrong values with the rule they break", () => {
    expect(paths({ thresholds: { jetStreamMemoryRatio: 80 } })).toEqual(["thresholds.jetStreamMemoryRatio"]);
    expect(paths({ thresholds: { connectionsPerServer: -1 } })).toEqual(["thresholds.connectionsPerServer"]);
    expect(paths({ thresholds: { jetStreamStorageCriticalRatio: 0.7 } })).toEqual(["thresholds.jetStreamStorageCriticalRatio"]);
    expect(paths({ thresholds: { fillingUpCriticalHours: 30 } })).toEqual(["thresholds.fillingUpHours"]);
    expect(paths({ for: { NatsServerDown: "5 minutes" } })).toEqual(["for.NatsServerDown"]);
    expect(paths({ surveyorSelector: "job=nats-surveyor" })).toEqual(["surveyorSelector"]);
    expect(paths({ extraLabels: { severity: "x" } })).toEqual(["extraLabels.severity"]);
    expect(paths({ expectLoki: "yes" })).toEqual(["expectLoki"]);
    expect(paths({ runbookUrlBase: "https://x.example.com/a#b" })).toEqual(["runbookUrlBase"]);
    expect(paths("strict")).toEqual(["(alert config)"]);
    expect(formatAlertConfigProblems(alertConfigProblems({ thresholds: { jetStreamMemoryRatio: 80 } }))).toBe(
      "thresholds.jetStreamMemoryRatio must be a ratio from 0 to 1, got 80 (write 0.8 for 80%)",
    );
  });

  it("accepts selectors with several matchers and the empty selector", () => {
    expect(paths({ surveyorSelector: 'job="nats/surveyor", namespace=~"nats|nats-prod"', exporterSelector: "" })).toEqual([]);
  });

  it("makes natsAlertGroups throw on a bad config", () => {
    expect(() => natsAlertGroups({ thresholds: { jetStreamMemoryRatio: 2 } })).toThrow(
      /invalid alert config: thresholds.jetStreamMemoryRatio/,
    );
  });

  it("merges a preset under a user's overrides key by key", () => {
    expect(
      mergeAlertConfigs(
        { surveyorSelector: 'job="a"', thresholds: { connectionsPerServer: 5 }, disabledAlerts: ["NatsServerUnhealthy"] },
        { thresholds: { consumerPendingMessages: 7 }, disabledAlerts: ["NatsSlowConsumers"] },
      ),
    ).toEqual({
      surveyorSelector: 'job="a"',
      thresholds: { connectionsPerServer: 5, consumerPendingMessages: 7 },
      for: {},
      severities: {},
      extraLabels: {},
      disabledAlerts: ["NatsServerUnhealthy", "NatsSlowConsumers"],
    });
  });
});

describe("the test helpers that follow a config", () => {
  it("pick series labels from a selector, and refuse what they cannot sample", () => {
    expect(selectorLabels('job="nats/surveyor", namespace=~"nats|prod"')).toEqual({ job: "nats/surveyor", namespace: "nats" });
    expect(() => selectorLabels('job!="x"')).toThrow(/cannot pick a series/);
  });

  it("read durations in whole minutes", () => {
    expect([durationMinutes("0s"), durationMinutes("90s"), durationMinutes("5m"), durationMinutes("1h30m")]).toEqual([0, 2, 5, 90]);
  });
});

describe("the rule groups", () => {
  it("are rendered by name, the order Prometheus's rules API lists them in", () => {
    const names = natsAlertGroups({ expectAlertmanager: true }).map((g) => g.name);
    expect(names).toEqual([...names].sort());
  });
});

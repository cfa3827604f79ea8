import type { AlertRulesConfig } from "../../alerts/config.js";
import { resolveAlertConfig } from "../../alerts/config.js";
import { knownAlertNames } from "../../alerts/groups/all-groups.js";
import { durationMinutes } from "../../alerts/nats-rule-tests.js";
import { alertGroupsOf } from "../../alerts/nats-rules.js";

/** Alerts whose `for` stays 0s: they mirror other alerts and must not lag. */
const IMMEDIATE = ["Watchdog", "InfoInhibitor"];

/** Every `for` of the default rules, longer (2x + 1m), so the tuned tests cannot pass on the default timings. */
function tunedDurations(): Record<string, string> {
  const durations: Record<string, string> = {};
  for (const rule of alertGroupsOf(
    resolveAlertConfig({ expectAlertmanager: true, expectLoki: true, expectContainerMetrics: true, expectHosts: true }),
  ).flatMap((group) => group.rules)) {
    if (!IMMEDIATE.includes(rule.alert)) durations[rule.alert] = `${2 * durationMinutes(rule.for) + 1}m`;
  }
  return durations;
}

/**
 * A config with every threshold and `for` moved, other job names, extra
 * labels, a severity change and a disabled alert: the rule tests run on it
 * (alerts/generated/tuned/) to show that the test inputs follow the config
 * rather than the defaults.
 */
export const TUNED_ALERT_CONFIG: AlertRulesConfig = {
  surveyorSelector: 'job="nats/surveyor"',
  exporterSelector: 'job="nats/exporter"',
  prometheusSelector: 'job="monitoring/prometheus"',
  alertmanagerSelector: 'job="monitoring/alertmanager"',
  lokiSelector: 'job="monitoring/loki"',
  cadvisorSelector: 'job="monitoring/cadvisor"',
  thresholds: {
    connectionsPerServer: 400,
    jetStreamMemoryRatio: 0.7,
    jetStreamStorageRatio: 0.6,
    jetStreamStorageCriticalRatio: 0.85,
    consumerPendingMessages: 250,
    jetStreamApiErrorsPer10m: 40,
    jetStreamApiPending: 200,
    jetStreamApiPendingCritical: 800,
    routePendingBytes: 65536,
    fillingUpHours: 48,
    fillingUpCriticalHours: 8,
    notificationFailureRatio: 0.05,
    containerRestartsPer15m: 3,
  },
  for: tunedDurations(),
  severities: { NatsTooManyConnections: "critical", NatsClusterVersionMismatch: "warning" },
  extraLabels: { team: "messaging", env: "test" },
  disabledAlerts: ["NatsServerUnhealthy"],
  runbookUrlBase: "https://runbooks.example.com/nats",
  expectAlertmanager: true,
  expectContainerMetrics: true,
  expectHosts: true,
};

/** Alerts the tuned config leaves in place, for the tests. */
export function tunedAlertNames(): string[] {
  return knownAlertNames().filter((name) => !(TUNED_ALERT_CONFIG.disabledAlerts ?? []).includes(name));
}

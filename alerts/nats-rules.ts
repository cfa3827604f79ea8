import { type AlertRulesConfig, DEFAULT_ALERT_CONFIG, type ResolvedAlertConfig, resolveAlertConfig } from "./config.js";
import { alertConfigProblems, formatAlertConfigProblems } from "./config-validation.js";
import { baseAlertGroups } from "./groups/all-groups.js";
import { alertAnchor } from "./render.js";
import type { AlertRule, AlertRuleGroup } from "./rule-types.js";

/**
 * The thresholds the project ships, as before the rules became tunable.
 * Pass others through `PrometheusStack`'s `alertConfig` or `natsAlertGroups()`.
 */
export const THRESHOLDS = DEFAULT_ALERT_CONFIG.thresholds;

/** Applies the per-alert overrides, labels and runbook URL of `config` to one rule. */
function tuned(rule: AlertRule, config: ResolvedAlertConfig): AlertRule {
  const labels = { ...config.extraLabels };
  return {
    ...rule,
    for: config.for[rule.alert] ?? rule.for,
    severity: config.severities[rule.alert] ?? rule.severity,
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...(config.runbookUrlBase === "" ? {} : { runbookUrl: `${config.runbookUrlBase}#${alertAnchor(rule.alert)}` }),
  };
}

/** The rule groups of a resolved config. */
export function alertGroupsOf(config: ResolvedAlertConfig): AlertRuleGroup[] {
  const disabled = new Set(config.disabledAlerts);
  return baseAlertGroups(config)
    .map((group) => ({ ...group, rules: group.rules.filter((rule) => !disabled.has(rule.alert)).map((rule) => tuned(rule, config)) }))
    .filter((group) => group.rules.length > 0);
}

/**
 * The NATS, monitoring and Prometheus alert rules for `config` (the
 * defaults when omitted): a mixin, as kubernetes-mixin's rules are a function
 * of its `_config`. Throws when the config breaks a rule (unknown keys or
 * alerts, bad durations, thresholds out of range).
 */
export function natsAlertGroups(config: AlertRulesConfig = {}): AlertRuleGroup[] {
  const problems = alertConfigProblems(config);
  if (problems.length > 0) throw new Error(`invalid alert config: ${formatAlertConfigProblems(problems)}`);
  return alertGroupsOf(resolveAlertConfig(config));
}

/** Every alert rule of the project with the default config. */
export const NATS_ALERT_GROUPS: readonly AlertRuleGroup[] = alertGroupsOf(DEFAULT_ALERT_CONFIG);

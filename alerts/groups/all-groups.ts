import { type ResolvedAlertConfig, resolveAlertConfig } from "../config.js";
import type { AlertRuleGroup } from "../rule-types.js";
import { containersGroup } from "./containers.js";
import { ruleContext } from "./context.js";
import { monitoringGroup } from "./monitoring.js";
import { availabilityGroup } from "./nats-availability.js";
import { clientsGroup } from "./nats-clients.js";
import { jetstreamGroup } from "./nats-jetstream.js";
import { prometheusGroup } from "./prometheus.js";

/**
 * Every rule group before the config's per-alert overrides, in the order
 * they are rendered: by name, the order in which Prometheus's rules API
 * lists the groups of one file.
 */
export function baseAlertGroups(config: ResolvedAlertConfig): AlertRuleGroup[] {
  const context = ruleContext(config);
  return [
    containersGroup(context),
    monitoringGroup(context),
    availabilityGroup(context),
    clientsGroup(context),
    jetstreamGroup(context),
    prometheusGroup(context),
  ];
}

/** Names of every alert a config may refer to (in `for`, `severities`, `disabledAlerts`). */
export function knownAlertNames(): string[] {
  // Every optional part switched on, so that every alert is known.
  return baseAlertGroups(
    resolveAlertConfig({ expectAlertmanager: true, expectLoki: true, expectContainerMetrics: true, expectHosts: true }),
  ).flatMap((group) => group.rules.map((rule) => rule.alert));
}

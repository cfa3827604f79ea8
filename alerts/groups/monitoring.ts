import type { AlertRule, AlertRuleGroup } from "../rule-types.js";
import type { RuleContext } from "./context.js";

/** The alert that always fires; its name is what dead man's switch services expect. */
export const WATCHDOG_ALERT = "Watchdog";
/** The alert that mutes `info` alerts while no warning or critical alert fires (kube-prometheus's pattern). */
export const INFO_INHIBITOR_ALERT = "InfoInhibitor";
/** How long Loki may receive no line at all before the log pipeline counts as silent. */
export const LOG_SILENCE_WINDOW = "30m";

/** The monitoring pipeline itself: the dead man's switch, info muting, scrapes and logs. */
export function monitoringGroup(c: RuleContext): AlertRuleGroup {
  const { config, loki: l, monitoring: m } = c;
  const rules: AlertRule[] = [
    {
      alert: WATCHDOG_ALERT,
      expr: "vector(1)",
      for: "0s",
      severity: "none",
      summary: "The alerting pipeline works: this alert always fires",
      description:
        "The Watchdog always fires. Alertmanager routes it to no one here; point it at a dead man's switch service (one that alarms when the Watchdog stops arriving) to learn that Prometheus, the rules or Alertmanager stopped working.",
      action:
        "Nothing while it fires. When a dead man's switch reports it missing: check that Prometheus and Alertmanager run and that Prometheus reaches Alertmanager (Status > Runtime & Build Information).",
    },
    {
      alert: INFO_INHIBITOR_ALERT,
      // ALERTS carries every pending and firing alert; an info alert alone is
      // muted, an info alert next to a warning or critical one is sent as context.
      expr: `ALERTS{severity="info"} == 1
unless on ()
ALERTS{alertname!="${INFO_INHIBITOR_ALERT}", alertstate="firing", severity=~"warning|critical"} == 1`,
      for: "0s",
      severity: "none",
      summary: "Info alerts are muted while no warning or critical alert fires",
      description:
        "Fires for each info alert while no warning or critical alert fires; Alertmanager's inhibit rule then mutes the info alerts, so they reach people only together with an alert that needs action.",
      action: "Nothing: it routes to no one. Info alerts stay visible in the Alertmanager and Prometheus UIs.",
    },
    {
      alert: "MonitoringTargetDown",
      expr: `${m("up")} == 0`,
      for: "5m",
      severity: "warning",
      summary: "Prometheus cannot scrape {{ $labels.job }} at {{ $labels.instance }}",
      description:
        "A part of the monitoring stack does not answer Prometheus's scrapes: it is down or restarting, so its own alerts (rule failures, log intake, notifications) cannot fire either.",
      action:
        "docker ps -a and docker logs for the container behind {{ $labels.instance }}; the Prometheus targets page (Status > Targets) shows the scrape error.",
    },
  ];
  if (config.expectLoki) {
    rules.push({
      alert: "LogPipelineSilent",
      expr: `max by (job, instance) (${l("up")}) == 1
unless on (job, instance)
sum by (job, instance) (increase(${l("loki_distributor_lines_received_total")}[${LOG_SILENCE_WINDOW}])) > 0`,
      for: "15m",
      severity: "warning",
      summary: `Loki at {{ $labels.instance }} received no log line in ${LOG_SILENCE_WINDOW}`,
      description: `Loki runs but no log line reached it in the last ${LOG_SILENCE_WINDOW}: the log collector stopped, lost its access to the Docker logs, or cannot push to Loki. NATS log searches and the log-based alerts see nothing new meanwhile.`,
      action:
        "docker logs for the log collector (alloy or promtail) shows push or discovery errors; check that it runs and reaches Loki's push API (/loki/api/v1/push).",
    });
  }
  return { name: "monitoring", rules };
}

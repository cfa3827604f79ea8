import type { AlertRule, AlertRuleGroup } from "../rule-types.js";
import type { RuleContext } from "./context.js";
import { FILLING_UP_LOOKBACK } from "./nats-jetstream.js";

/** Prometheus and Alertmanager watching themselves. */
export function prometheusGroup(c: RuleContext): AlertRuleGroup {
  const { config, prometheus: p, alertmanager: a, t } = c;
  // What size-based retention counts, sampled every 5m for predict_linear.
  const stored = `(${p("prometheus_tsdb_storage_blocks_bytes")} + ${p("prometheus_tsdb_wal_storage_size_bytes")})`;
  const storageFillingUp = (level: "warning" | "critical", hours: number) =>
    `predict_linear(${stored}[${FILLING_UP_LOOKBACK[level]}:5m], ${hours} * 3600)
> (${p("prometheus_tsdb_retention_limit_bytes")} > 0)`;
  const rules: AlertRule[] = [
    {
      alert: "PrometheusRuleEvaluationFailures",
      expr: `increase(${p("prometheus_rule_evaluation_failures_total")}[5m]) > 0`,
      for: "5m",
      severity: "critical",
      summary: "Prometheus fails to evaluate rules of group {{ $labels.rule_group }}",
      description:
        "Rules of {{ $labels.rule_group }} fail at evaluation (a query error, a many-to-many match, a timeout), so the alerts they define cannot fire.",
      action: "Prometheus's Rules page (Status > Rules) shows the error of each rule; its log names the failing rule.",
    },
    {
      alert: "PrometheusConfigReloadFailed",
      expr: `max_over_time(${p("prometheus_config_last_reload_successful")}[5m]) == 0`,
      for: "10m",
      severity: "critical",
      summary: "Prometheus {{ $labels.instance }} could not load its configuration",
      description:
        "The last reload of prometheus.yml or a rule file failed: Prometheus keeps running with the previous configuration, so changed scrape jobs or rules are not in effect.",
      action: "docker logs for Prometheus shows the error; promtool check config on the generated prometheus.yml reproduces it.",
    },
    {
      alert: "PrometheusTSDBCompactionsFailing",
      expr: `increase(${p("prometheus_tsdb_compactions_failed_total")}[3h]) > 0`,
      for: "15m",
      severity: "warning",
      summary: "Prometheus {{ $labels.instance }} fails to compact its storage",
      description:
        "Compactions of the time-series database failed in the last 3 hours: the head block grows, memory use rises, and data that is not compacted is lost when the disk fills.",
      action:
        "docker logs for Prometheus shows the compaction error (often a full disk or a corrupt block); free disk space, or move the corrupt block out of the data volume.",
    },
    {
      alert: "PrometheusTSDBWALCorruptions",
      expr: `increase(${p("prometheus_tsdb_wal_corruptions_total")}[3h]) > 0`,
      for: "0s",
      severity: "warning",
      summary: "Prometheus {{ $labels.instance }} found a corrupt write-ahead log",
      description:
        "Prometheus found a corruption in its write-ahead log (usually after an unclean stop or a full disk) and repaired it by dropping the samples after the damage.",
      action:
        "Check the disk behind the prometheus-data volume and that the container stops cleanly (its stop timeout); recent samples may be missing from the graphs.",
    },
    {
      alert: "PrometheusStorageFillingUp",
      expr: storageFillingUp("warning", t.fillingUpHours),
      for: "1h",
      severity: "warning",
      summary: `Prometheus {{ $labels.instance }} reaches its retention size within ${t.fillingUpHours} hours`,
      description: `At the rate of the last ${FILLING_UP_LOOKBACK.warning}, blocks and WAL reach the retention size (retentionSize) within ${t.fillingUpHours} hours; from then on Prometheus deletes its oldest data, so less history than retentionTime is kept.`,
      action:
        'Raise retentionSize (and the disk behind the prometheus-data volume) or shorten retentionTime; look for a series explosion with topk(10, count by (__name__) ({__name__=~".+"})).',
    },
    {
      alert: "PrometheusStorageFillingUpFast",
      expr: storageFillingUp("critical", t.fillingUpCriticalHours),
      for: "15m",
      severity: "critical",
      summary: `Prometheus {{ $labels.instance }} reaches its retention size within ${t.fillingUpCriticalHours} hours`,
      description: `At the rate of the last ${FILLING_UP_LOOKBACK.critical}, blocks and WAL reach the retention size within ${t.fillingUpCriticalHours} hours: something adds series or samples much faster than usual.`,
      action:
        "Find the job that grew (the scrape_samples_scraped of each target) and stop it or drop its series; then follow PrometheusStorageFillingUp.",
    },
  ];
  if (config.expectAlertmanager) {
    rules.push(
      {
        alert: "PrometheusNotConnectedToAlertmanagers",
        expr: `max_over_time(${p("prometheus_notifications_alertmanagers_discovered")}[5m]) < 1`,
        for: "10m",
        severity: "critical",
        summary: "Prometheus {{ $labels.instance }} has no Alertmanager to send alerts to",
        description: "Prometheus knows no Alertmanager, so every alert it fires reaches no one (this one only shows in the Prometheus UI).",
        action: "Check the alerting section of prometheus.yml and that the Alertmanager container runs and resolves on the stack network.",
      },
      {
        alert: "PrometheusNotificationsFailing",
        expr: `rate(${p("prometheus_notifications_errors_total")}[5m]) / rate(${p("prometheus_notifications_sent_total")}[5m]) > ${t.notificationFailureRatio}`,
        for: "15m",
        severity: "warning",
        summary: "Prometheus fails to send {{ $value | humanizePercentage }} of its alerts to {{ $labels.alertmanager }}",
        description: "Prometheus's posts of alerts to the Alertmanager {{ $labels.alertmanager }} fail: alerts arrive late or not at all.",
        action: "docker logs for Prometheus shows the notifier errors; check that Alertmanager runs and answers on its port.",
      },
      {
        alert: "AlertmanagerConfigReloadFailed",
        expr: `max_over_time(${a("alertmanager_config_last_reload_successful")}[5m]) == 0`,
        for: "10m",
        severity: "critical",
        summary: "Alertmanager {{ $labels.instance }} could not load its configuration",
        description:
          "The last reload of alertmanager.yml failed: Alertmanager keeps the previous receivers and routes, so changed notification settings are not in effect.",
        action: "docker logs for Alertmanager shows the error; amtool check-config on the generated alertmanager.yml reproduces it.",
      },
      {
        alert: "AlertmanagerNotificationsFailing",
        // Newer Alertmanagers add a reason label to the failures: sum it away.
        expr: `sum by (job, instance, integration) (rate(${a("alertmanager_notifications_failed_total")}[5m]))
/
sum by (job, instance, integration) (rate(${a("alertmanager_notifications_total")}[5m]))
> ${t.notificationFailureRatio}`,
        for: "5m",
        severity: "critical",
        summary: "Alertmanager fails to send {{ $value | humanizePercentage }} of its {{ $labels.integration }} notifications",
        description:
          "Notifications through the {{ $labels.integration }} integration fail: the people on that receiver do not hear about alerts.",
        action:
          "docker logs for Alertmanager names the receiver and the error (a wrong URL, a revoked token, an unreachable mail server); fix the receiver's settings.",
      },
    );
  }
  return { name: "prometheus", rules };
}

import { COMPONENTS, CONTAINER_NAMES, LABELS } from "../../contract/index.js";
import type { StackTargets } from "../targets.js";
import type { CheckRun } from "./check-run.js";
import { httpGet, joinUrl, parseJson, snippet } from "./http.js";
import { fail, ok, type Verdict } from "./verdict.js";

export const PROMETHEUS_CHECKS = ["prometheus.ready", "prometheus.targets", "prometheus.rules", "prometheus.alerts"] as const;
export const ALERTMANAGER_CHECKS = ["alertmanager.ready"] as const;

/** The envelope of every Prometheus HTTP API answer. */
interface ApiEnvelope<T> {
  readonly status: "success" | "error";
  readonly data?: T;
  readonly error?: string;
}

/** An entry of /api/v1/targets' activeTargets. */
export interface ActiveTarget {
  readonly labels: Readonly<Record<string, string>>;
  readonly scrapePool?: string;
  readonly scrapeUrl?: string;
  readonly health: "up" | "down" | "unknown";
  readonly lastError?: string;
}

/** A group of /api/v1/rules. */
export interface RuleGroup {
  readonly name: string;
  readonly file?: string;
  readonly rules: readonly { readonly name: string; readonly type?: string; readonly health?: string; readonly lastError?: string }[];
}

/** An entry of /api/v1/alerts. */
export interface PromAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly state: "firing" | "pending" | "inactive";
}

/** The Prometheus group: ready, scraping every target, rules loaded, nothing critical firing. */
export async function runPrometheusChecks(targets: StackTargets, run: CheckRun): Promise<void> {
  const base = targets.prometheusUrl;
  const fix = `start Prometheus (docker ps --filter label=${LABELS.component}=${COMPONENTS.prometheus}) or point --prometheus-url at it`;
  const readyUrl = joinUrl(base, "/-/ready");
  const ready = await run.check("prometheus.ready", { what: `GET ${readyUrl}`, fix }, async ({ signal }) => {
    const response = await httpGet(readyUrl, { signal });
    if (response.status === 200) return { verdict: ok(`${readyUrl} answers 200`), value: true };
    if (response.status === 503) {
      return {
        verdict: fail(
          `Prometheus is not ready yet (HTTP 503: "${snippet(response.body)}")`,
          "it is replaying its write-ahead log after a start: run the check again in a minute",
        ),
      };
    }
    return {
      verdict: fail(
        `${readyUrl} answered HTTP ${response.status}: "${snippet(response.body)}"`,
        `the URL may not point at Prometheus: ${fix}`,
      ),
    };
  });
  if (!ready) {
    run.skipAll(PROMETHEUS_CHECKS.slice(1), "needs a ready Prometheus (prometheus.ready failed)");
    return;
  }
  const api = async <T>(path: string, signal: AbortSignal): Promise<T> => {
    const url = joinUrl(base, path);
    const envelope = parseJson<ApiEnvelope<T>>(await httpGet(url, { signal }), `GET ${url}`);
    if (envelope.status !== "success" || envelope.data === undefined) throw new Error(`GET ${url}: ${envelope.error ?? "no data"}`);
    return envelope.data;
  };
  await run.check("prometheus.targets", { what: "GET /api/v1/targets", fix }, async ({ signal }) => ({
    verdict: targetsVerdict((await api<{ activeTargets: ActiveTarget[] }>("/api/v1/targets?state=active", signal)).activeTargets),
  }));
  await run.check("prometheus.rules", { what: "GET /api/v1/rules", fix }, async ({ signal }) => ({
    verdict: rulesVerdict((await api<{ groups: RuleGroup[] }>("/api/v1/rules", signal)).groups),
  }));
  await run.check("prometheus.alerts", { what: "GET /api/v1/alerts", fix }, async ({ signal }) => ({
    verdict: alertsVerdict((await api<{ alerts: PromAlert[] }>("/api/v1/alerts", signal)).alerts),
  }));
}

/** Alertmanager is optional: checked only when the stack has one. */
export async function runAlertmanagerChecks(targets: StackTargets, run: CheckRun): Promise<void> {
  if (!targets.alertmanagerUrl) return;
  const url = joinUrl(targets.alertmanagerUrl, "/-/ready");
  const fix = `start Alertmanager (docker ps --filter label=${LABELS.component}=${COMPONENTS.alertmanager}) or point --alertmanager-url at it`;
  await run.check("alertmanager.ready", { what: `GET ${url}`, fix }, async ({ signal }) => {
    const response = await httpGet(url, { signal });
    return {
      verdict:
        response.status === 200
          ? ok(`${url} answers 200`)
          : fail(
              `${url} answered HTTP ${response.status}: "${snippet(response.body)}"`,
              `read its log (docker logs ${CONTAINER_NAMES.alertmanager}); ${fix}`,
            ),
    };
  });
}

/** Is every active target scraped successfully? */
export function targetsVerdict(targets: readonly ActiveTarget[]): Verdict {
  if (targets.length === 0) {
    return fail(
      "Prometheus has no active scrape targets",
      "check scrape_configs in prometheus.yml (promtool check config) and the Prometheus log",
    );
  }
  const name = (target: ActiveTarget) =>
    `${target.labels.job ?? target.scrapePool ?? "?"}/${target.labels.instance ?? target.scrapeUrl ?? "?"}`;
  const down = targets.filter((target) => target.health === "down");
  if (down.length > 0) {
    return fail(
      `${down.length} of ${targets.length} targets down: ${down.map((target) => `${name(target)} (${target.lastError || "no error given"})`).join("; ")}`,
      "start the service behind each target, or fix its address in prometheus.yml; Status > Targets in the Prometheus UI shows the same",
    );
  }
  const unknown = targets.filter((target) => target.health !== "up");
  if (unknown.length > 0) {
    return fail(
      `${unknown.length} of ${targets.length} targets not scraped yet: ${unknown.map(name).join(", ")}`,
      "Prometheus started less than a scrape interval ago: run the check again in 30 s",
    );
  }
  const jobs = [...new Set(targets.map((target) => target.labels.job ?? target.scrapePool ?? "?"))].sort();
  return ok(`all ${targets.length} targets up (${jobs.join(", ")})`);
}

/** Are rule groups loaded, and does every rule evaluate? */
export function rulesVerdict(groups: readonly RuleGroup[]): Verdict {
  if (groups.length === 0) {
    return fail(
      "no rule groups loaded",
      "Prometheus does not read the rule files: check rule_files in prometheus.yml and run promtool check rules on them",
    );
  }
  const rules = groups.flatMap((group) => group.rules.map((rule) => ({ group: group.name, ...rule })));
  const broken = rules.filter((rule) => rule.health === "err");
  if (broken.length > 0) {
    return fail(
      `${broken.length} rule(s) fail to evaluate: ${broken.map((rule) => `${rule.group}/${rule.name}: ${rule.lastError ?? "no error given"}`).join("; ")}`,
      "fix the rule's expression (promtool check rules; promtool test rules)",
    );
  }
  const alerting = rules.filter((rule) => rule.type === "alerting").length;
  return ok(`${groups.length} rule group(s), ${rules.length} rule(s) (${alerting} alerting, ${rules.length - alerting} recording)`);
}

/** Is any critical alert firing? Warnings and pending alerts are reported, not failed. */
export function alertsVerdict(alerts: readonly PromAlert[]): Verdict {
  const firing = alerts.filter((alert) => alert.state === "firing");
  const critical = firing.filter((alert) => alert.labels.severity === "critical");
  if (critical.length > 0) {
    const names = [...new Set(critical.map((alert) => alert.labels.alertname ?? "?"))].sort();
    return fail(
      `${critical.length} critical alert(s) firing: ${names.join(", ")}`,
      "open Prometheus's Alerts page (or Alertmanager) and follow each alert's summary",
    );
  }
  const others = firing.length > 0 ? `${firing.length} non-critical alert(s) firing` : "no alert firing";
  const pending = alerts.filter((alert) => alert.state === "pending").length;
  return ok(`no critical alert firing (${others}${pending > 0 ? `, ${pending} pending` : ""})`);
}

import { type AlertThresholds, DEFAULT_ALERT_CONFIG, DEFAULT_THRESHOLDS } from "./config.js";
import { knownAlertNames } from "./groups/all-groups.js";
import type { Severity } from "./rule-types.js";

/** One thing wrong with an alert config: where, what, which rule it breaks and how to fix it. */
export interface AlertConfigProblem {
  /** The key, e.g. "thresholds.jetStreamMemoryRatio" or "for.NatsServerDown". */
  readonly path: string;
  readonly value: unknown;
  readonly rule: string;
  readonly fix: string;
}

const TOP_KEYS = [...Object.keys(DEFAULT_ALERT_CONFIG), "thresholds"] as const;
const SELECTOR_KEYS = [
  "surveyorSelector",
  "exporterSelector",
  "prometheusSelector",
  "alertmanagerSelector",
  "lokiSelector",
  "monitoringSelector",
  "cadvisorSelector",
] as const;
const RATIOS: readonly (keyof AlertThresholds)[] = [
  "jetStreamMemoryRatio",
  "jetStreamStorageRatio",
  "jetStreamStorageCriticalRatio",
  "notificationFailureRatio",
];
const SEVERITIES: readonly Severity[] = ["critical", "warning", "info", "none"];
/** One PromQL label matcher, e.g. job="nats-surveyor" or job=~"a|b". */
const MATCHER = String.raw`\s*[A-Za-z_][A-Za-z0-9_]*\s*(=|!=|=~|!~)\s*"(?:[^"\\]|\\.)*"\s*`;
const SELECTOR = new RegExp(`^(${MATCHER}(,${MATCHER})*)?$`);
/** A Prometheus duration such as 5m or 1h30m. */
const DURATION = /^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Everything wrong with `config`, in one pass, so a user fixes all of it at
 * once. Unknown keys are refused (a typo would otherwise silently keep a default).
 */
export function alertConfigProblems(config: unknown): AlertConfigProblem[] {
  const problems: AlertConfigProblem[] = [];
  const add = (path: string, value: unknown, rule: string, fix: string) => problems.push({ path, value, rule, fix });
  if (!isObject(config)) {
    add("(alert config)", config, "must be an object", "pass e.g. { thresholds: { connectionsPerServer: 2000 } }");
    return problems;
  }
  const alerts = knownAlertNames();
  const knownAlert = (path: string, name: string) => {
    if (!alerts.includes(name)) add(path, name, "must name an alert of the NATS rules", `did you mean ${closest(name, alerts)}?`);
  };
  for (const key of Object.keys(config)) {
    if (!(TOP_KEYS as readonly string[]).includes(key))
      add(key, config[key], "is not an alert config key", `did you mean ${closest(key, TOP_KEYS)}?`);
  }
  for (const key of SELECTOR_KEYS) {
    const value = config[key];
    if (value !== undefined && (typeof value !== "string" || !SELECTOR.test(value))) {
      add(key, value, "must be PromQL label matchers, comma-separated, or empty", 'write it like job="nats-surveyor" or job=~"nats/.*"');
    }
  }
  for (const key of ["expectAlertmanager", "expectLoki", "expectContainerMetrics", "expectHosts"] as const) {
    if (config[key] !== undefined && typeof config[key] !== "boolean")
      add(key, config[key], "must be true or false", "write true or false");
  }
  if (config.runbookUrlBase !== undefined && (typeof config.runbookUrlBase !== "string" || /\s|#/.test(config.runbookUrlBase))) {
    add(
      "runbookUrlBase",
      config.runbookUrlBase,
      "must be a URL without spaces or #",
      'write it like "https://git.example.com/ops/nats/blob/main/docs/alerts-and-dashboards.md", or "" for none',
    );
  }
  checkThresholds(config.thresholds, add);
  checkRecord(config.for, "for", add, (path, name, value) => {
    knownAlert(path, name);
    if (typeof value !== "string" || !DURATION.test(value) || value === "")
      add(path, value, "must be a Prometheus duration", 'write it like "5m" or "1h30m"');
  });
  checkRecord(config.severities, "severities", add, (path, name, value) => {
    knownAlert(path, name);
    if (!SEVERITIES.includes(value as Severity)) add(path, value, `must be one of ${SEVERITIES.join(", ")}`, 'write e.g. "warning"');
  });
  checkRecord(config.extraLabels, "extraLabels", add, (path, name, value) => {
    if (!LABEL_NAME.test(name) || name === "severity" || name === "alertname") {
      add(
        path,
        name,
        "must be a Prometheus label name other than severity and alertname",
        "use letters, digits and underscores, e.g. team",
      );
    }
    if (typeof value !== "string") add(path, value, "must be a string", 'write it like "messaging"');
  });
  if (config.disabledAlerts !== undefined) {
    if (!Array.isArray(config.disabledAlerts))
      add("disabledAlerts", config.disabledAlerts, "must be a list of alert names", 'write it like ["NatsServerUnhealthy"]');
    else
      config.disabledAlerts.forEach((name, i) => {
        knownAlert(`disabledAlerts[${i}]`, String(name));
      });
  }
  return problems;
}

function checkRecord(
  value: unknown,
  key: string,
  add: (path: string, value: unknown, rule: string, fix: string) => void,
  each: (path: string, name: string, value: unknown) => void,
): void {
  if (value === undefined) return;
  if (!isObject(value)) {
    add(key, value, "must be an object keyed by name", `write it like { NatsServerDown: ... }`);
    return;
  }
  for (const [name, entry] of Object.entries(value)) each(`${key}.${name}`, name, entry);
}

function checkThresholds(value: unknown, add: (path: string, value: unknown, rule: string, fix: string) => void): void {
  if (value === undefined) return;
  if (!isObject(value)) {
    add("thresholds", value, "must be an object", "write it like { connectionsPerServer: 2000 }");
    return;
  }
  const known = Object.keys(DEFAULT_THRESHOLDS);
  for (const [key, entry] of Object.entries(value)) {
    const path = `thresholds.${key}`;
    if (!known.includes(key)) {
      add(path, entry, "is not a threshold of the NATS rules", `did you mean ${closest(key, known)}?`);
      continue;
    }
    if (typeof entry !== "number" || !Number.isFinite(entry) || entry <= 0) {
      add(path, entry, "must be a positive number", `the default is ${DEFAULT_THRESHOLDS[key as keyof AlertThresholds]}`);
    } else if (RATIOS.includes(key as keyof AlertThresholds) && entry > 1) {
      add(path, entry, "must be a ratio from 0 to 1", "write 0.8 for 80%");
    }
  }
  const t = { ...DEFAULT_THRESHOLDS, ...(value as AlertThresholds) };
  const above = (high: keyof AlertThresholds, low: keyof AlertThresholds) => {
    if (typeof t[high] === "number" && typeof t[low] === "number" && t[high] <= t[low]) {
      add(`thresholds.${high}`, t[high], `must be above thresholds.${low} (${t[low]})`, `raise ${high} or lower ${low}`);
    }
  };
  above("jetStreamStorageCriticalRatio", "jetStreamStorageRatio");
  above("jetStreamApiPendingCritical", "jetStreamApiPending");
  above("fillingUpHours", "fillingUpCriticalHours");
}

/** The problems as one message, e.g. for an Error or a CLI. */
export function formatAlertConfigProblems(problems: readonly AlertConfigProblem[]): string {
  return problems.map((p) => `${p.path} ${p.rule}, got ${JSON.stringify(p.value)} (${p.fix})`).join("; ");
}

/** The candidate nearest to `word` by edit distance, for a did-you-mean hint. */
function closest(word: string, candidates: readonly string[]): string {
  const distance = (a: string, b: string) => {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const next = [i];
      for (let j = 1; j <= b.length; j++) {
        next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      }
      row = next;
    }
    return row[b.length];
  };
  return [...candidates].sort((x, y) => distance(word, x) - distance(word, y))[0] ?? "";
}

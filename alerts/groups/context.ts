import type { ResolvedAlertConfig } from "../config.js";
import { select } from "../promql.js";

/** What a rule group is built from: the config and selectors for each source of series. */
export interface RuleContext {
  readonly config: ResolvedAlertConfig;
  readonly t: ResolvedAlertConfig["thresholds"];
  /** A selector of a Surveyor metric, e.g. `nats_up{job="nats-surveyor"}`; extra matchers appended. */
  readonly surveyor: (metric: string, ...matchers: string[]) => string;
  readonly exporter: (metric: string, ...matchers: string[]) => string;
  readonly prometheus: (metric: string, ...matchers: string[]) => string;
  readonly alertmanager: (metric: string, ...matchers: string[]) => string;
  readonly loki: (metric: string, ...matchers: string[]) => string;
  readonly monitoring: (metric: string, ...matchers: string[]) => string;
  readonly cadvisor: (metric: string, ...matchers: string[]) => string;
}

/** The context for `config`. */
export function ruleContext(config: ResolvedAlertConfig): RuleContext {
  const bind =
    (selector: string) =>
    (metric: string, ...matchers: string[]) =>
      select(metric, selector, ...matchers);
  return {
    config,
    t: config.thresholds,
    surveyor: bind(config.surveyorSelector),
    exporter: bind(config.exporterSelector),
    prometheus: bind(config.prometheusSelector),
    alertmanager: bind(config.alertmanagerSelector),
    loki: bind(config.lokiSelector),
    monitoring: bind(config.monitoringSelector),
    cadvisor: bind(config.cadvisorSelector),
  };
}

/** A ratio as a percentage for annotations, e.g. 0.8 -> "80%". */
export function percent(ratio: number): string {
  return `${+(ratio * 100).toFixed(4)}%`;
}

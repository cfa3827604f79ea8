import type { IConstruct } from "constructs";
import type { AlertRulesConfig } from "../../alerts/config.js";
import { alertConfigProblems } from "../../alerts/config-validation.js";
import { renderRulesFile } from "../../alerts/render.js";
import type { AlertRuleGroup } from "../../alerts/rule-types.js";
import { natsRulesFile } from "../../alerts/rules-file.js";
import { propError } from "./validation.js";

/** The rules a PrometheusStack loads: fixed, or the project's tuned by a config. */
export interface StackAlertRules {
  /** No rule at all: no rule file is written. */
  readonly empty: boolean;
  /** The rule file's text; call at synth time, when the stack's parts are known. */
  readonly file: () => string;
}

/**
 * Validates `alertConfig` now (a bad key fails at construction, with the
 * construct's path) and builds the rules later: `parts()` tells which parts
 * the stack ended up with (an Alertmanager, a Loki or cAdvisor scrape job, targets labelled with their host).
 */
export function stackAlertRules(
  scope: IConstruct,
  props: { readonly alertRules?: readonly AlertRuleGroup[]; readonly alertConfig?: AlertRulesConfig },
  parts: () => Pick<AlertRulesConfig, "expectAlertmanager" | "expectLoki" | "expectContainerMetrics" | "expectHosts">,
): StackAlertRules {
  const { alertRules, alertConfig } = props;
  if (alertRules !== undefined && alertConfig !== undefined) {
    throw propError(
      scope,
      "alertConfig",
      alertConfig,
      "tunes the project's rules, so it cannot be combined with alertRules",
      "keep one of the two",
    );
  }
  if (alertRules !== undefined) return { empty: alertRules.length === 0, file: () => renderRulesFile(alertRules) };
  const [problem] = alertConfigProblems(alertConfig ?? {});
  if (problem) throw propError(scope, `alertConfig.${problem.path}`, problem.value, problem.rule, problem.fix);
  return { empty: false, file: () => natsRulesFile({ ...parts(), ...alertConfig }) };
}

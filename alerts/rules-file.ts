import type { AlertRulesConfig } from "./config.js";
import { natsAlertGroups } from "./nats-rules.js";
import { renderRulesFile } from "./render.js";

/**
 * The project's Prometheus rule file for `config`: what a PrometheusStack
 * without fixed `alertRules` uploads. Its own module, with this one export,
 * so that the app launcher can compute it ahead for a default stack
 * (scripts/app/prerendered.mjs, input in default-stack-alert-config.ts).
 */
export function natsRulesFile(config: AlertRulesConfig): string {
  return renderRulesFile(natsAlertGroups(config));
}

import type { AlertRulesConfig } from "./config.js";

/**
 * The alert config a default NatsMonitoringStack renders its rules with: no
 * Alertmanager (it is opt-in), Loki scraped, no cAdvisor (opt-in), one host. The app launcher renders the
 * rule file for exactly this when it bundles the app; a stack with other
 * parts or a tuned config renders its own at synth time. A test keeps this
 * equal to what the default stack passes.
 */
export const DEFAULT_STACK_ALERT_CONFIG: AlertRulesConfig = {
  expectAlertmanager: false,
  expectLoki: true,
  expectContainerMetrics: false,
  expectHosts: false,
};

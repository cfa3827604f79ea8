import { INFO_INHIBITOR_ALERT } from "./groups/monitoring.js";

/**
 * Alertmanager inhibition rules for the NATS alerts: while the cause fires,
 * its consequences are muted, so one stopped server pages once instead of
 * five times.
 */
export interface InhibitRule {
  /** Matchers of the alert that mutes, in Alertmanager's syntax, e.g. `alertname="NatsServerDown"`. */
  readonly sourceMatchers: readonly string[];
  /** Matchers of the alerts it mutes. */
  readonly targetMatchers: readonly string[];
  /** Labels that must be equal on both; empty means any source mutes every target. */
  readonly equal: readonly string[];
}

export const NATS_INHIBIT_RULES: readonly InhibitRule[] = [
  {
    // A stopped server also shows up as a short survey, missing routes on its
    // peers, an unhealthy /healthz and an offline or lagging meta peer.
    sourceMatchers: ['alertname="NatsServerDown"'],
    targetMatchers: [
      'alertname=~"NatsSurveyIncomplete|NatsRouteMissing|NatsServerUnhealthy|NatsJetStreamMetaPeerOffline|NatsJetStreamMetaPeerLagging"',
    ],
    equal: [],
  },
  {
    // Without Surveyor's connection or scrapes, the survey-based alerts say nothing new.
    sourceMatchers: ['alertname=~"NatsSurveyorDisconnected|NatsSurveyorNotScraped"'],
    targetMatchers: ['alertname=~"NatsServerDown|NatsSurveyIncomplete"'],
    equal: [],
  },
  {
    sourceMatchers: ['alertname="NatsJetStreamStorageFull"'],
    targetMatchers: ['alertname="NatsJetStreamStorageHigh"'],
    equal: ["cluster_name", "server_name"],
  },
  // The critical level of a two-level alert mutes its warning about the same thing.
  {
    sourceMatchers: ['alertname="NatsJetStreamStorageFillingUpFast"'],
    targetMatchers: ['alertname="NatsJetStreamStorageFillingUp"'],
    equal: ["cluster_name", "server_name"],
  },
  {
    sourceMatchers: ['alertname="NatsJetStreamApiBacklogCritical"'],
    targetMatchers: ['alertname="NatsJetStreamApiBacklog"'],
    equal: ["cluster_name", "server_name"],
  },
  {
    sourceMatchers: ['alertname="PrometheusStorageFillingUpFast"'],
    targetMatchers: ['alertname="PrometheusStorageFillingUp"'],
    equal: ["instance"],
  },
  {
    // kube-prometheus's pattern: InfoInhibitor fires while info alerts fire
    // without a warning or critical one, and mutes them; info alerts are then
    // only sent as context of an alert that needs action.
    sourceMatchers: [`alertname="${INFO_INHIBITOR_ALERT}"`],
    targetMatchers: ['severity="info"'],
    equal: [],
  },
];

import type { AlertRuleGroup } from "../rule-types.js";
import type { RuleContext } from "./context.js";

/** Client-facing load and behaviour. */
export function clientsGroup(c: RuleContext): AlertRuleGroup {
  const { surveyor: s, t } = c;
  return {
    name: "nats-clients",
    rules: [
      {
        alert: "NatsTooManyConnections",
        expr: `${s("nats_core_connection_count")} > ${t.connectionsPerServer}`,
        for: "10m",
        severity: "warning",
        summary: "NATS server {{ $labels.server_name }} has {{ $value }} client connections",
        description: `More than ${t.connectionsPerServer} clients are connected to {{ $labels.server_name }}. The guide's advice: spread the load before one server becomes the bottleneck.`,
        action:
          "Give clients every server URL so they spread across the cluster (and randomize), look for clients that leak connections with nats --context system server report connections, or add servers.",
      },
      {
        alert: "NatsSlowConsumers",
        // The count is cumulative since the server started (Surveyor serves it as
        // a gauge); increase() handles the reset at a restart.
        expr: `increase(${s("nats_core_slow_consumer_count")}[10m]) > 0`,
        for: "1m",
        severity: "warning",
        summary: "NATS server {{ $labels.server_name }} disconnected slow consumers",
        description:
          "In the last 10 minutes {{ $labels.server_name }} disconnected clients that did not read their messages fast enough. Those clients lost the messages that were pending for them.",
        action:
          "The server log names the client ([WRN] ... Slow Consumer Detected); make it process faster, add queue-group members, or raise its pending limits. Consider a JetStream consumer for data that must not be lost.",
      },
    ],
  };
}

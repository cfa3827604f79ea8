import { App } from "cdktf";
import { NatsMonitoringStack, type NatsMonitoringStackProps } from "./index.js";

/**
 * The default app: one NatsMonitoringStack. Settings come from the `context`
 * of cdktf.json: `stackName` and any NatsMonitoringStackProps member, e.g.
 * `"nats": { "nodes": 5 }`.
 */
const app = new App();
const stackName = (app.node.tryGetContext("stackName") as string | undefined) ?? "nats-monitoring";
const settings: Record<string, unknown> = {};
for (const key of [
  "namePrefix",
  "networkName",
  "bindAddress",
  "dockerHost",
  "registryAuth",
  "protectData",
  "nats",
  "surveyor",
  "exporter",
  "prometheus",
  "loki",
  "grafana",
] satisfies (keyof NatsMonitoringStackProps)[]) {
  const value: unknown = app.node.tryGetContext(key);
  if (value !== undefined) settings[key] = value;
}
new NatsMonitoringStack(app, stackName, settings as NatsMonitoringStackProps);
app.synth();

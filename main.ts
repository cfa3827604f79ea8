import { runDefaultApp } from "./constructs/private/default-app.js";

/**
 * The default app: one NatsMonitoringStack. Settings come from the `context`
 * of cdktf.json: `stackName` and any NatsMonitoringStackProps member, e.g.
 * `"nats": { "nodes": 5 }` (schema/settings.schema.json, docs/settings.md).
 * A wrong setting prints one message and exits 1.
 */
runDefaultApp();

import { App } from "cdktf";
import { NatsMonitoringStack } from "../nats-monitoring-stack.js";
import { contextSettings, exitOnSettingsError } from "./context-settings.js";

/**
 * The default app (main.ts): one NatsMonitoringStack whose name and settings
 * come from the cdktf.json `context`, which cdktf passes in
 * CDKTF_CONTEXT_JSON. A wrong setting prints one message and sets exit status 1.
 */
export function runDefaultApp(): void {
  let name = "nats-monitoring";
  exitOnSettingsError(
    () => {
      const app = new App();
      const { stackName, settings } = contextSettings(app);
      name = stackName;
      new NatsMonitoringStack(app, stackName, settings);
      app.synth();
    },
    () => name,
  );
}

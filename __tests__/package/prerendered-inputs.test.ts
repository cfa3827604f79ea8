import { App } from "cdktf";
import { describe, expect, it, vi } from "vitest";
import { DEFAULT_STACK_ALERT_CONFIG } from "../../alerts/default-stack-alert-config.js";
import * as rulesFile from "../../alerts/rules-file.js";
import { DEFAULT_DASHBOARD_SOURCES } from "../../dashboards/default-sources.js";
import * as projectDashboards from "../../dashboards/project-dashboards.js";
import { NatsMonitoringStack } from "../../index.js";

// The app launcher computes these two functions ahead for their default
// input (scripts/app/prerendered.mjs). It is only faster if a default stack
// really calls them with exactly that input: a change of either side that
// breaks the match turns this red instead of silently slowing every synth.
vi.mock("../../alerts/rules-file.js", { spy: true });
vi.mock("../../dashboards/project-dashboards.js", { spy: true });

describe("the inputs the app launcher computes ahead", () => {
  it("are what a default NatsMonitoringStack passes", () => {
    const app = new App({ stackTraces: false });
    new NatsMonitoringStack(app, "default", {});
    app.synth();
    // The rule file is content resolved at synth, so it is asked for more than once.
    const rulesCalls = vi.mocked(rulesFile.natsRulesFile).mock.calls;
    expect(rulesCalls.length).toBeGreaterThan(0);
    for (const call of rulesCalls) expect(call).toEqual([DEFAULT_STACK_ALERT_CONFIG]);
    expect(vi.mocked(projectDashboards.projectDashboards).mock.calls).toEqual([[DEFAULT_DASHBOARD_SOURCES]]);
  });
});

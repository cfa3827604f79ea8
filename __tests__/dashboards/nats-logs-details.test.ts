import { describe, expect, it } from "vitest";
import { containerRelabelRules, dockerLabelMeta } from "../../constructs/config/log-pipeline.js";
import { LABELS } from "../../contract/container-labels.js";
import { JOB_VARIABLE_DESCRIPTION, NO_LEVEL_SLICE, natsLogsDashboard } from "../../dashboards/nats-logs.js";
import { type DashboardJsonShape, queriesOf, visualPanelsOf } from "../helpers/dashboard-json.js";
import { applyRelabelRules } from "../helpers/log-pipeline.js";
import { containersByName, labelsOf, synthStack } from "../helpers/plan.js";

/** How the Job variable's description names each `natsmon.component`. */
const DESCRIBED_AS: Record<string, string> = {
  nats: "NATS servers",
  "nats-box": "nats-box",
  surveyor: "Surveyor",
  "nats-exporter": "exporter",
  prometheus: "Prometheus",
  alertmanager: "Alertmanager",
  loki: "Loki",
  grafana: "Grafana",
  alloy: "log collector",
  promtail: "log collector",
  "docker-socket-proxy": "Docker socket proxy",
};

/** The description's `job: text` segments. */
function segments(description: string): Record<string, string> {
  return Object.fromEntries(
    description.split("; ").map((segment) => {
      const [job, ...text] = segment.split(": ");
      return [job, text.join(": ")];
    }),
  );
}

describe("NATS Logs: the Job variable's description says what the relabel rules do", () => {
  for (const collector of ["alloy", "promtail"] as const) {
    it(`names every container of a full stack (${collector}) under the job its logs get`, () => {
      const { plan } = synthStack({ loki: { collector }, prometheus: { alertmanager: true } });
      const described = segments(JOB_VARIABLE_DESCRIPTION);
      const containers = Object.values(containersByName(plan));
      expect(containers.length).toBeGreaterThanOrEqual(10);
      for (const container of containers) {
        const labels = labelsOf(container);
        const component = labels[LABELS.component];
        const name = DESCRIBED_AS[component];
        if (!name) throw new Error(`component ${component} has no name in the Job description's table; add it, and to the description`);
        const { job } = applyRelabelRules(containerRelabelRules(labels[LABELS.project]), {
          __meta_docker_container_name: `/${container.name}`,
          [dockerLabelMeta(LABELS.project)]: labels[LABELS.project],
          [dockerLabelMeta(LABELS.component)]: component,
        });
        expect(described[job], `job ${job} of ${container.name}`).toContain(name);
        for (const [other, text] of Object.entries(described)) {
          if (other !== job) expect(text, `${name} is described under ${other}, but its lines get job ${job}`).not.toContain(name);
        }
      }
    });
  }
});

describe("NATS Logs: the level distribution", () => {
  it("names the slice of lines without a level instead of leaving it empty", () => {
    const logs = JSON.parse(JSON.stringify(natsLogsDashboard({ uid: "loki", name: "Loki" }))) as DashboardJsonShape;
    const pie = visualPanelsOf(logs).find((panel) => panel.type === "piechart");
    const exprs = queriesOf(logs)
      .filter((query) => query.where.startsWith(`${pie?.title} /`))
      .map((query) => query.expr);
    expect(exprs).toHaveLength(1);
    expect(exprs[0]).toMatch(
      new RegExp(`^label_replace\\(sum by \\(log_level\\) .*, "log_level", "${NO_LEVEL_SLICE}", "log_level", ""\\)$`),
    );
  });
});

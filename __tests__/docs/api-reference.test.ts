import { describe, expect, it } from "vitest";
import { propsOf } from "../helpers/api-surface.js";
import { propsTableNames, readmeSection } from "../helpers/readme.js";

/**
 * The README's props tables are the API reference. These tests keep them in
 * sync with the TypeScript interfaces, and keep the JSDoc that editors show
 * complete: every prop documented, every optional one with its @default.
 */
const DOCUMENTED: Record<string, string> = {
  NatsMonitoringStackProps: "### NatsMonitoringStack",
  NatsClusterProps: "### NatsCluster",
  SurveyorProps: "### Surveyor",
  NatsExporterProps: "### NatsExporter",
  PrometheusStackProps: "### PrometheusStack",
  LokiStackProps: "### LokiStack",
  GrafanaProps: "### Grafana",
};

describe.each(Object.entries(DOCUMENTED))("%s", (interfaceName, heading) => {
  const props = propsOf(interfaceName);

  it("has JSDoc on every prop and a @default on every optional one", () => {
    expect(props.length).toBeGreaterThan(0);
    for (const prop of props) {
      expect(prop.doc, `${interfaceName}.${prop.name} has no JSDoc`).not.toBe("");
      if (prop.optional) expect(prop.defaultValue, `${interfaceName}.${prop.name} has no @default`).toBeDefined();
    }
  });

  it(`is listed, prop for prop, in the README table under "${heading}"`, () => {
    const listed = propsTableNames(readmeSection(heading));
    expect([...listed].sort()).toEqual(props.map((p) => p.name).sort());
  });
});

/**
 * The cluster dashboard's host dimension, for a stack over several Docker
 * hosts: a `host` variable and a "Hosts" row that tells which host is down
 * or cut off. Every agent on a host (its NATS exporter, its node-exporter) is
 * scraped with the host's name as the `host` target label; a single-host
 * stack has no such label, so the dashboard leaves both out there rather
 * than show an empty variable and an empty row.
 */
import { VisibilityMode } from "@grafana/grafana-foundation-sdk/common";
import { MappingType, type ValueMapping } from "@grafana/grafana-foundation-sdk/dashboard";
import { PanelBuilder as StateTimelinePanelBuilder } from "@grafana/grafana-foundation-sdk/statetimeline";
import { PanelBuilder as TablePanelBuilder } from "@grafana/grafana-foundation-sdk/table";
import { Percent } from "@grafana/grafana-foundation-sdk/units";
import { LOG_LABELS } from "../contract/index.js";
import { type DashboardSection, dataSourceRef, promQuery, queryVariable, statPanel, thresholdSteps } from "./common.js";
import { DASHBOARD_VARIABLES, hostMatcher, metricSelector } from "./selectors.js";

const HOST = LOG_LABELS.host;

/** The scrape targets of the selected hosts: `up` of every target that carries a host label. */
const TARGETS = metricSelector("up", { filters: [], extra: `${hostMatcher()}, ${HOST}!=""` });

/** The `host` variable: the hosts whose agents Prometheus scrapes. */
export function hostVariable() {
  return queryVariable({
    name: DASHBOARD_VARIABLES.host,
    label: "Host",
    type: "prometheus",
    query: `label_values(up, ${HOST})`,
    includeAll: true,
    description: "The Docker hosts of the stack (the host label of each host's agents); filters the Hosts and Host rows.",
  });
}

/** The "Hosts" row, as a section for `layOut`. */
export function hostsSection(): DashboardSection {
  return {
    title: "Hosts",
    panels: [
      { panel: reachability(), width: 16, height: 7 },
      { panel: targetsUp(), width: 8, height: 7 },
      { panel: targetsDown(), width: 24, height: 7 },
    ],
  };
}

function valueText(value: number, text: string, color: string): ValueMapping {
  return { type: MappingType.ValueToText, options: { [String(value)]: { text, color } } };
}

function reachability() {
  return new StateTimelinePanelBuilder()
    .title("Host reachability")
    .description(
      "Each host as the monitoring host's Prometheus sees it: reachable while at least one of its agents answers a scrape, unreachable when none does (the host is down, or cut off from the monitoring host). NatsHostUnreachable fires on the same condition, for hosts with two agents or more, after its for.",
    )
    .datasource(dataSourceRef("prometheus"))
    .withTarget(promQuery(`max by (${HOST}) (${TARGETS})`, { legend: `{{${HOST}}}` }))
    .mappings([valueText(1, "Reachable", "green"), valueText(0, "Unreachable", "red")])
    .showValue(VisibilityMode.Never)
    .mergeValues(true)
    .thresholds(thresholdSteps("green"));
}

function targetsUp() {
  return statPanel({
    title: "Targets up per host",
    description:
      "Share of each host's scrape targets (its exporter, its node-exporter) that answer. Below 100% one agent is down (NatsExporterNotScraped names it); 0% is a lost host.",
  })
    .withTarget(
      promQuery(`100 * sum by (${HOST}) (${TARGETS}) / count by (${HOST}) (${TARGETS})`, { legend: `{{${HOST}}}`, instant: true }),
    )
    .thresholds(thresholdSteps("red", [1, "orange"], [100, "green"]))
    .unit(Percent)
    .min(0)
    .max(100);
}

function targetsDown() {
  return new TablePanelBuilder()
    .title("Targets down")
    .description("The scrape targets of the selected hosts that do not answer now, by host and job: which agent, on which host.")
    .datasource(dataSourceRef("prometheus"))
    .withTarget(promQuery(`${TARGETS} == 0`, { instant: true, table: true }))
    .withTransformation({
      id: "organize",
      options: {
        excludeByName: { Time: true, Value: true, __name__: true },
        indexByName: { [HOST]: 0, job: 1, instance: 2 },
        renameByName: { [HOST]: "Host", job: "Job", instance: "Target" },
      },
    })
    .withTransformation({ id: "sortBy", options: { sort: [{ field: "Host" }] } });
}

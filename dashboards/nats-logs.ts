/**
 * "NATS Logs": the guide's log analysis dashboard on Loki, with level
 * filters that match what nats-server really writes ([INF], [WRN], [ERR],
 * ...; the log collector turns them into the log_level label), plus the
 * error ratio behind the guide's "more than 1% errors" advice.
 */
import {
  GraphDrawStyle,
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  LegendDisplayMode,
  LegendPlacement,
  LogsSortOrder,
  StackingConfigBuilder,
  StackingMode,
} from "@grafana/grafana-foundation-sdk/common";
import { type DynamicConfigValue, TextBoxVariableBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { PanelBuilder as LogsPanelBuilder } from "@grafana/grafana-foundation-sdk/logs";
import {
  PieChartLabels,
  PieChartLegendOptionsBuilder,
  PieChartLegendValues,
  PanelBuilder as PieChartPanelBuilder,
  PieChartType,
} from "@grafana/grafana-foundation-sdk/piechart";
import { PanelBuilder as TablePanelBuilder } from "@grafana/grafana-foundation-sdk/table";
import { PercentUnit, Short } from "@grafana/grafana-foundation-sdk/units";
import { DASHBOARD_UIDS, ERROR_LOG_LEVELS, LOG_JOBS, NATS_LOG_LEVELS } from "../contract/index.js";
import {
  type DashboardDataSource,
  type DashboardJson,
  dataSourceRef,
  dataSourceVariable,
  layOut,
  lokiQuery,
  newDashboard,
  queryVariable,
  thresholdSteps,
  timeseriesPanel,
} from "./common.js";
import { DASHBOARD_LOG_LABELS, DASHBOARD_VARIABLES, logStreamSelector } from "./selectors.js";

/** The dashboard's uid: stable, `natsmon check` looks for it. */
export const NATS_LOGS_UID = DASHBOARD_UIDS.natsLogs;

/** The free-text line filter variable (a regular expression, case-insensitive). */
const SEARCH_VARIABLE = "search";

/** Colours per level, the same in every panel. */
const LEVEL_COLORS: Record<string, string> = {
  [NATS_LOG_LEVELS.FTL]: "dark-red",
  [NATS_LOG_LEVELS.ERR]: "red",
  [NATS_LOG_LEVELS.WRN]: "orange",
  [NATS_LOG_LEVELS.INF]: "green",
  [NATS_LOG_LEVELS.DBG]: "blue",
  [NATS_LOG_LEVELS.TRC]: "purple",
};

/** Builds the "NATS Logs" dashboard for a Loki data source. */
export function natsLogsDashboard(loki: DashboardDataSource): DashboardJson {
  const dashboard = newDashboard({
    uid: NATS_LOGS_UID,
    title: "NATS Logs",
    description: "Log volume, levels, errors and the log lines themselves, of the NATS servers and the monitoring containers, from Loki.",
    refresh: "10s",
    tags: ["logs"],
  })
    .withVariable(dataSourceVariable("loki", loki))
    .withVariable(
      queryVariable({
        name: DASHBOARD_VARIABLES.job,
        label: "Job",
        type: "loki",
        query: `label_values(${DASHBOARD_LOG_LABELS.job})`,
        includeAll: false,
        defaultValue: LOG_JOBS.nats,
        description: JOB_VARIABLE_DESCRIPTION,
      }),
    )
    .withVariable(
      queryVariable({
        name: DASHBOARD_VARIABLES.container,
        label: "Container",
        type: "loki",
        query: `label_values({${DASHBOARD_LOG_LABELS.job}="$${DASHBOARD_VARIABLES.job}"}, ${DASHBOARD_LOG_LABELS.container})`,
        includeAll: true,
        description: "Containers of the selected job, e.g. nats-node1.",
      }),
    )
    .withVariable(
      queryVariable({
        name: DASHBOARD_VARIABLES.level,
        label: "Level",
        type: "loki",
        query: `label_values({${DASHBOARD_LOG_LABELS.job}="$${DASHBOARD_VARIABLES.job}"}, ${DASHBOARD_LOG_LABELS.level})`,
        includeAll: true,
        description:
          "Log levels (INFO, WARN, ERROR, DEBUG, TRACE, FATAL); nats-server's [INF], [WRN], [ERR], ... mapped by the log collector.",
      }),
    )
    .withVariable(
      new TextBoxVariableBuilder(SEARCH_VARIABLE)
        .label("Line filter (regex)")
        .description(
          'Shows only lines matching this regular expression, case-insensitive, e.g. "jetstream" or "slow consumer". Empty shows every line.',
        )
        .defaultValue("")
        .current({ text: "", value: "" }),
    );

  return layOut(dashboard, [
    {
      title: "Volume and levels",
      panels: [
        { panel: linesPerFiveMinutes(), width: 16, height: 8 },
        { panel: levelDistribution(), width: 8, height: 8 },
      ],
    },
    {
      title: "Errors",
      panels: [{ panel: errorRatio(), width: 24, height: 7 }],
    },
    {
      title: "Log lines",
      panels: [
        { panel: latestLines(), width: 24, height: 10 },
        { panel: liveStream(), width: 24, height: 14 },
      ],
    },
  ]).build();
}

/** The line filter stage every panel that shows lines applies. */
function searchFilter(): string {
  return `|~ "(?i)$${SEARCH_VARIABLE}"`;
}

function levelColorOverrides(): { name: string; properties: DynamicConfigValue[] }[] {
  return Object.entries(LEVEL_COLORS).map(([level, color]) => ({
    name: level,
    properties: [{ id: "color", value: { mode: "fixed", fixedColor: color } }],
  }));
}

/** Guide panel 1: log lines per 5 minutes. */
function linesPerFiveMinutes() {
  const panel = timeseriesPanel(
    {
      title: "Log lines per 5 minutes",
      description:
        "Log lines each container wrote in every 5-minute interval. A sudden rise usually comes with a problem: look at the errors below.",
    },
    "loki",
  )
    .withTarget(
      lokiQuery(`sum by (${DASHBOARD_LOG_LABELS.container}) (count_over_time(${logStreamSelector()} ${searchFilter()} [5m]))`, {
        legend: `{{${DASHBOARD_LOG_LABELS.container}}}`,
        step: "5m",
      }),
    )
    .interval("5m")
    .drawStyle(GraphDrawStyle.Bars)
    .fillOpacity(80)
    .stacking(new StackingConfigBuilder().mode(StackingMode.Normal))
    .unit(Short)
    .min(0);
  return panel;
}

/** The level distribution's name for lines that carry no level. */
export const NO_LEVEL_SLICE = "no level";

/**
 * What each `job` holds, as the log collector's relabel rules set it
 * (constructs/config/log-pipeline.ts): only the NATS servers are `nats`.
 */
export const JOB_VARIABLE_DESCRIPTION =
  `${LOG_JOBS.nats}: the NATS servers; ${LOG_JOBS.monitoring}: the stack's other containers (nats-box, Surveyor, the exporter, ` +
  `Prometheus, Alertmanager, Loki, Grafana, the log collector, the Docker socket proxy); ${LOG_JOBS.other}: containers outside the stack, with collectAllContainers.`;

/** Guide panel 2: how the lines spread over the levels. */
function levelDistribution() {
  const panel = new PieChartPanelBuilder()
    .title("Log level distribution")
    .description("Lines per level over the selected time range, whatever the level filter says: ERROR and WARN should stay thin slices.")
    .datasource(dataSourceRef("loki"))
    .withTarget(
      lokiQuery(
        // Lines without a level (every container but the NATS servers) would
        // form a slice with an empty name: name it.
        `label_replace(sum by (${DASHBOARD_LOG_LABELS.level}) (count_over_time(${logStreamSelector({ level: false })} [$__range])), ` +
          `"${DASHBOARD_LOG_LABELS.level}", "${NO_LEVEL_SLICE}", "${DASHBOARD_LOG_LABELS.level}", "")`,
        { legend: `{{${DASHBOARD_LOG_LABELS.level}}}`, instant: true },
      ),
    )
    .pieType(PieChartType.Donut)
    .displayLabels([PieChartLabels.Percent])
    .legend(
      new PieChartLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.Table)
        .placement(LegendPlacement.Right)
        .values([PieChartLegendValues.Value, PieChartLegendValues.Percent]),
    )
    .unit(Short);
  for (const { name, properties } of levelColorOverrides()) panel.overrideByName(name, properties);
  return panel;
}

/** The guide's advice: ERROR lines above 1% of all lines need investigating. */
function errorRatio() {
  const errors = `sum(count_over_time(${logStreamSelector({ level: ERROR_LOG_LEVELS })} [$__auto]))`;
  const all = `sum(count_over_time(${logStreamSelector({ level: false })} [$__auto]))`;
  return timeseriesPanel(
    {
      title: "Error ratio",
      description:
        "ERROR and FATAL lines as a share of all lines of the selected containers. The guide's advice: above 1% (the red line), investigate.",
    },
    "loki",
  )
    .withTarget(lokiQuery(`(${errors} or vector(0)) / ${all}`, { legend: "errors" }))
    .thresholds(thresholdSteps("green", [0.01, "red"]))
    .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed))
    .unit(PercentUnit)
    .decimals(2)
    .min(0);
}

/** Guide panel 3: the latest lines as a table, one column per label. */
function latestLines() {
  return new TablePanelBuilder()
    .title("Latest log lines")
    .description("The 100 newest lines that match the filters, with their container and level as columns.")
    .datasource(dataSourceRef("loki"))
    .withTarget(lokiQuery(`${logStreamSelector()} ${searchFilter()}`, { maxLines: 100 }))
    .withTransformation({ id: "extractFields", options: { source: "labels" } })
    .withTransformation({
      id: "organize",
      options: {
        excludeByName: { labels: true, labelTypes: true, tsNs: true, id: true },
        indexByName: { Time: 0, [DASHBOARD_LOG_LABELS.container]: 1, [DASHBOARD_LOG_LABELS.level]: 2, Line: 3 },
        renameByName: { [DASHBOARD_LOG_LABELS.container]: "Container", [DASHBOARD_LOG_LABELS.level]: "Level", Line: "Message" },
      },
    });
}

/** Guide panel 4: the log stream, newest first, refreshed with the dashboard. */
function liveStream() {
  return new LogsPanelBuilder()
    .title("Log stream")
    .description(
      "The log lines themselves, newest first; the dashboard refreshes every 10 seconds. For a true live tail, open the panel in Explore and press Live.",
    )
    .datasource(dataSourceRef("loki"))
    .withTarget(lokiQuery(`${logStreamSelector()} ${searchFilter()}`, { maxLines: 500 }))
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .showLabels(false)
    .sortOrder(LogsSortOrder.Descending);
}

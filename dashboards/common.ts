/**
 * Presets shared by the project's dashboards: the dashboard frame, data
 * source variables, queries and panels with the project's defaults, and a
 * grid layout that gives every panel an explicit position.
 *
 * Built on @grafana/grafana-foundation-sdk 0.0.x, whose `dashboard` package
 * produces the classic ("v1") dashboard JSON at schemaVersion 42: the format
 * that file provisioning and the import dialog of Grafana 12.3+ and 13.x read.
 */

import { PanelBuilder as BarGaugePanelBuilder } from "@grafana/grafana-foundation-sdk/bargauge";
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import {
  BarGaugeDisplayMode,
  BigValueColorMode,
  BigValueGraphMode,
  BigValueTextMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  SortOrder,
  TooltipDisplayMode,
  VisibilityMode,
  VizLegendOptionsBuilder,
  VizOrientation,
  VizTooltipOptionsBuilder,
} from "@grafana/grafana-foundation-sdk/common";
import {
  type Dashboard,
  DashboardBuilder,
  DashboardCursorSync,
  type DataSourceRef,
  DatasourceVariableBuilder,
  type GridPos,
  type Panel,
  QueryVariableBuilder,
  RowBuilder,
  type Threshold,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { DataqueryBuilder as LokiQueryBuilder } from "@grafana/grafana-foundation-sdk/loki";
import { DataqueryBuilder as PrometheusQueryBuilder, PromQueryFormat } from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder as StatPanelBuilder } from "@grafana/grafana-foundation-sdk/stat";
import { PanelBuilder as TimeseriesPanelBuilder } from "@grafana/grafana-foundation-sdk/timeseries";
import { DASHBOARD_VARIABLES } from "./selectors.js";

/** The JSON of one dashboard, as Grafana stores and provisions it. */
export type DashboardJson = Dashboard;

/** A data source a dashboard queries: the uid its variable selects by default. */
export interface DashboardDataSource {
  /** The provisioned uid, e.g. "prometheus". */
  readonly uid: string;
  /** Display name, e.g. "Prometheus". */
  readonly name: string;
}

/** Grafana's dashboard grid is 24 columns wide. */
export const GRID_WIDTH = 24;

/** Tags every dashboard of the project carries; `natsmon check` finds them by it. */
export const DASHBOARD_TAGS = ["nats"] as const;

/** The frame every dashboard of the project shares. */
export function newDashboard(options: {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly refresh: string;
  readonly tags?: readonly string[];
}): DashboardBuilder {
  return (
    new DashboardBuilder(options.title)
      .uid(options.uid)
      .description(options.description)
      .tags([...DASHBOARD_TAGS, ...(options.tags ?? [])])
      .time({ from: "now-1h", to: "now" })
      .timezone("browser")
      .refresh(options.refresh)
      // Hovering one panel shows the same instant on every panel.
      .tooltip(DashboardCursorSync.Crosshair)
  );
}

/** The reference panels and queries use: whatever the data source variable selects. */
export function dataSourceRef(type: "prometheus" | "loki"): DataSourceRef {
  return { type, uid: `\${${DASHBOARD_VARIABLES.datasource}}` };
}

/**
 * The data source variable: users of a Grafana with several Prometheus (or
 * Loki) data sources switch between them; by default it selects the
 * provisioned one.
 */
export function dataSourceVariable(type: "prometheus" | "loki", source: DashboardDataSource): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder(DASHBOARD_VARIABLES.datasource)
    .label("Data source")
    .type(type)
    .current({ text: source.name, value: source.uid });
}

/**
 * A variable whose values a query of the data source variable's data
 * source lists, refreshed when the time range changes (servers come and
 * go). With `includeAll`, "All" is the default and matches any value,
 * including a missing label (`.*`).
 */
export function queryVariable(options: {
  readonly name: string;
  readonly label: string;
  readonly type: "prometheus" | "loki";
  readonly query: string;
  readonly includeAll: boolean;
  readonly description: string;
  readonly defaultValue?: string;
}): QueryVariableBuilder {
  const variable = new QueryVariableBuilder(options.name)
    .label(options.label)
    .description(options.description)
    .datasource(dataSourceRef(options.type))
    .query(options.query)
    .definition(options.query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalCaseInsensitiveAsc)
    .multi(options.includeAll)
    .includeAll(options.includeAll);
  if (options.includeAll) variable.allValue(".*").current({ text: "All", value: "$__all" });
  else if (options.defaultValue !== undefined) variable.current({ text: options.defaultValue, value: options.defaultValue });
  return variable;
}

/** A PromQL query of the data source variable's Prometheus. */
export function promQuery(
  expr: string,
  options: { refId?: string; legend?: string; instant?: boolean; table?: boolean } = {},
): PrometheusQueryBuilder {
  const query = new PrometheusQueryBuilder()
    .datasource(dataSourceRef("prometheus"))
    .expr(expr)
    .refId(options.refId ?? "A");
  if (options.legend !== undefined) query.legendFormat(options.legend);
  if (options.instant) query.instant();
  else query.range();
  if (options.table) query.format(PromQueryFormat.Table);
  return query;
}

/** A LogQL query of the data source variable's Loki. */
export function lokiQuery(
  expr: string,
  options: { refId?: string; legend?: string; instant?: boolean; step?: string; maxLines?: number } = {},
): LokiQueryBuilder {
  const query = new LokiQueryBuilder()
    .datasource(dataSourceRef("loki"))
    .expr(expr)
    .refId(options.refId ?? "A");
  if (options.legend !== undefined) query.legendFormat(options.legend);
  if (options.instant) query.instant(true);
  if (options.step !== undefined) query.step(options.step);
  if (options.maxLines !== undefined) query.maxLines(options.maxLines);
  return query;
}

/** Threshold steps from a base colour: `thresholdSteps("green", [80, "red"])`. */
export function thresholdSteps(base: string, ...steps: readonly [number, string][]): ThresholdsConfigBuilder {
  const list: Threshold[] = [{ value: null, color: base }, ...steps.map(([value, color]) => ({ value, color }))];
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(list);
}

/** Text of a panel: what it shows, and why it matters. */
export interface PanelText {
  readonly title: string;
  readonly description: string;
}

/**
 * A time series panel with a visible legend (click an entry to show only
 * that series, as the guide describes), a tooltip listing every series at
 * the hovered instant, and thin lines without points.
 */
export function timeseriesPanel(text: PanelText, type: "prometheus" | "loki" = "prometheus"): TimeseriesPanelBuilder {
  return new TimeseriesPanelBuilder()
    .title(text.title)
    .description(text.description)
    .datasource(dataSourceRef(type))
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom).calcs([]))
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending))
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(VisibilityMode.Never);
}

/** A stat panel: one big value per series, coloured by thresholds, with no sparkline. */
export function statPanel(text: PanelText, type: "prometheus" | "loki" = "prometheus"): StatPanelBuilder {
  return new StatPanelBuilder()
    .title(text.title)
    .description(text.description)
    .datasource(dataSourceRef(type))
    .graphMode(BigValueGraphMode.None)
    .colorMode(BigValueColorMode.Background)
    .textMode(BigValueTextMode.ValueAndName)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false));
}

/** A horizontal bar gauge: one bar per series, for comparing servers. */
export function barGaugePanel(text: PanelText): BarGaugePanelBuilder {
  return new BarGaugePanelBuilder()
    .title(text.title)
    .description(text.description)
    .datasource(dataSourceRef("prometheus"))
    .orientation(VizOrientation.Horizontal)
    .displayMode(BarGaugeDisplayMode.Gradient)
    .showUnfilled(true)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false));
}

/** What {@link layOut} needs of a panel builder: every SDK panel builder has these. */
export interface PositionablePanel extends cog.Builder<Panel> {
  id(id: number): this;
  gridPos(gridPos: GridPos): this;
}

/** A panel and its size in grid units (24 columns across). */
export interface PlacedPanel {
  readonly panel: PositionablePanel;
  readonly width: number;
  readonly height: number;
}

/** A titled row of the dashboard and the panels below it, left to right, wrapping at 24 columns. */
export interface DashboardSection {
  readonly title: string;
  readonly panels: readonly PlacedPanel[];
}

/**
 * Adds the sections to the dashboard with an explicit id and `gridPos` on
 * every row and panel. The SDK places panels without a position itself, and
 * its placement does not combine with explicit positions: so every panel
 * gets one, computed here, and the layout test checks that none overlap.
 */
export function layOut(builder: DashboardBuilder, sections: readonly DashboardSection[]): DashboardBuilder {
  let nextId = 1;
  let y = 0;
  for (const section of sections) {
    builder.withRow(new RowBuilder(section.title).id(nextId++).gridPos({ x: 0, y, w: GRID_WIDTH, h: 1 }));
    y += 1;
    let x = 0;
    let lineHeight = 0;
    for (const { panel, width, height } of section.panels) {
      if (!Number.isInteger(width) || width < 1 || width > GRID_WIDTH || !Number.isInteger(height) || height < 1) {
        throw new Error(`section "${section.title}": a panel is ${width}x${height}; widths run from 1 to ${GRID_WIDTH}, heights from 1`);
      }
      if (x + width > GRID_WIDTH) {
        x = 0;
        y += lineHeight;
        lineHeight = 0;
      }
      builder.withPanel(panel.id(nextId++).gridPos({ x, y, w: width, h: height }));
      x += width;
      lineHeight = Math.max(lineHeight, height);
    }
    y += lineHeight;
  }
  return builder;
}

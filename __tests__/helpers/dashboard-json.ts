/**
 * Reads dashboard JSON the way Grafana does, for the dashboard tests: the
 * panels with their positions, every query with the data source it runs
 * on, and data source references resolved through template variables.
 */

/** A data source reference as dashboards store it. */
export interface DataSourceRef {
  readonly type?: string;
  readonly uid?: string;
}

/** The parts of a panel the tests read. */
export interface PanelJson {
  readonly id?: number;
  readonly type: string;
  readonly title?: string;
  readonly gridPos?: { x: number; y: number; w: number; h: number };
  readonly datasource?: DataSourceRef;
  readonly targets?: readonly { refId?: string; expr?: string; datasource?: DataSourceRef }[];
  readonly panels?: readonly PanelJson[];
}

/** The parts of a variable the tests read. */
export interface VariableJson {
  readonly name: string;
  readonly type: string;
  readonly query?: unknown;
  readonly datasource?: DataSourceRef;
  readonly current?: { text?: unknown; value?: unknown };
}

/** The parts of a dashboard the tests read. */
export interface DashboardJsonShape {
  readonly uid?: string;
  readonly title?: string;
  readonly tags?: readonly string[];
  readonly panels?: readonly PanelJson[];
  readonly templating?: { list?: readonly VariableJson[] };
}

/** One query of a panel or a query variable. */
export interface QueryInfo {
  /** "panel title / refId" or "variable name", for failure messages. */
  readonly where: string;
  readonly expr: string;
  readonly datasource: DataSourceRef;
}

/** Every panel, rows and the panels inside collapsed rows included. */
export function panelsOf(dashboard: DashboardJsonShape): PanelJson[] {
  return (dashboard.panels ?? []).flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/** Panels that show data: everything but rows. */
export function visualPanelsOf(dashboard: DashboardJsonShape): PanelJson[] {
  return panelsOf(dashboard).filter((panel) => panel.type !== "row");
}

export function variablesOf(dashboard: DashboardJsonShape): VariableJson[] {
  return [...(dashboard.templating?.list ?? [])];
}

/** Every query: panel targets (with the panel's data source when a target has none) and query variables. */
export function queriesOf(dashboard: DashboardJsonShape): QueryInfo[] {
  const fromPanels = visualPanelsOf(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      where: `${panel.title} / ${target.refId}`,
      expr: target.expr ?? "",
      datasource: target.datasource ?? panel.datasource ?? {},
    })),
  );
  const fromVariables = variablesOf(dashboard)
    .filter((variable) => variable.type === "query")
    .map((variable) => ({ where: `variable ${variable.name}`, expr: String(variable.query), datasource: variable.datasource ?? {} }));
  return [...fromPanels, ...fromVariables];
}

/** Every data source reference of panels, targets and variables, with where it is. */
export function dataSourceRefsOf(dashboard: DashboardJsonShape): { where: string; ref: DataSourceRef }[] {
  const refs: { where: string; ref: DataSourceRef }[] = [];
  for (const panel of visualPanelsOf(dashboard)) {
    if (panel.datasource) refs.push({ where: `panel ${panel.title}`, ref: panel.datasource });
    for (const target of panel.targets ?? []) {
      if (target.datasource) refs.push({ where: `${panel.title} / ${target.refId}`, ref: target.datasource });
    }
  }
  for (const variable of variablesOf(dashboard)) {
    if (variable.datasource) refs.push({ where: `variable ${variable.name}`, ref: variable.datasource });
  }
  return refs;
}

/**
 * The uid a reference selects when the dashboard opens: a `${name}` or
 * `$name` uid is the default value of that data source variable.
 */
export function resolveDataSourceUid(dashboard: DashboardJsonShape, ref: DataSourceRef): string | undefined {
  const match = /^\$\{?(\w+)\}?$/.exec(ref.uid ?? "");
  if (!match) return ref.uid;
  const variable = variablesOf(dashboard).find((v) => v.name === match[1] && v.type === "datasource");
  const value = variable?.current?.value;
  return typeof value === "string" ? value : undefined;
}

/** The data source type of a `${name}` variable, or the reference's own type. */
export function resolveDataSourceType(dashboard: DashboardJsonShape, ref: DataSourceRef): string | undefined {
  const match = /^\$\{?(\w+)\}?$/.exec(ref.uid ?? "");
  if (!match) return ref.type;
  const variable = variablesOf(dashboard).find((v) => v.name === match[1] && v.type === "datasource");
  return typeof variable?.query === "string" ? variable.query : undefined;
}

/** The queries that run on a data source of `type`. */
export function queriesOfType(dashboard: DashboardJsonShape, type: "prometheus" | "loki"): QueryInfo[] {
  return queriesOf(dashboard).filter((q) => resolveDataSourceType(dashboard, q.datasource) === type);
}

/**
 * Grafana's variable query `label_values(selector, label)` (or
 * `label_values(label)`) split into the selector, which is PromQL or LogQL,
 * and the label; any other query is a selector of its own.
 */
export function splitVariableQuery(expr: string): { selector?: string; label?: string } {
  const match = /^label_values\((?:(.*),\s*)?(\w+)\)$/.exec(expr);
  if (!match) return { selector: expr };
  return { ...(match[1] ? { selector: match[1] } : {}), label: match[2] };
}

/** The queries of one language (a data source type) that the grammar checks parse, variable selectors included. */
export function parseableQueries(dashboard: DashboardJsonShape, type: "prometheus" | "loki"): QueryInfo[] {
  return queriesOfType(dashboard, type).flatMap((q) => {
    const { selector } = splitVariableQuery(q.expr);
    return selector === undefined ? [] : [{ ...q, expr: selector }];
  });
}

/** Pairs of panels whose grid rectangles intersect, and panels outside the 24 columns. */
export function layoutProblems(panels: readonly PanelJson[]): string[] {
  const problems: string[] = [];
  for (const panel of panels) {
    const g = panel.gridPos;
    if (!g) {
      problems.push(`"${panel.title}" has no gridPos`);
      continue;
    }
    if (g.x < 0 || g.y < 0 || g.w < 1 || g.h < 1 || g.x + g.w > 24)
      problems.push(`"${panel.title}" lies outside the grid: ${JSON.stringify(g)}`);
  }
  const placed = panels.filter((p) => p.gridPos);
  for (let i = 0; i < placed.length; i++) {
    for (let j = i + 1; j < placed.length; j++) {
      const a = placed[i].gridPos!;
      const b = placed[j].gridPos!;
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) {
        problems.push(`"${placed[i].title}" ${JSON.stringify(a)} overlaps "${placed[j].title}" ${JSON.stringify(b)}`);
      }
    }
  }
  return problems;
}

/** Undoes DockerService's Terraform escaping of `${` and `%{` in an uploaded file. */
export function unescapeTerraform(text: string): string {
  return text.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}

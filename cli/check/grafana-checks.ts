import { COMPONENTS, CONTAINER_NAMES, CONTAINER_PORTS, DASHBOARD_UIDS, DATA_SOURCE_UIDS, LABELS, OUTPUTS } from "../../contract/index.js";
import type { StackTargets } from "../targets.js";
import type { CheckRun } from "./check-run.js";
import { type HttpResponse, httpGet, joinUrl, parseJson, snippet } from "./http.js";
import { fail, ok, type Verdict } from "./verdict.js";

/** The data sources and dashboards the stack provisions, by uid. */
export const GRAFANA_DATA_SOURCES = [DATA_SOURCE_UIDS.prometheus, DATA_SOURCE_UIDS.loki] as const;
export const GRAFANA_DASHBOARDS = [DASHBOARD_UIDS.natsJetStreamCluster, DASHBOARD_UIDS.natsLogs] as const;

export const GRAFANA_CHECKS = [
  "grafana.health",
  ...GRAFANA_DATA_SOURCES.map((uid) => `grafana.datasource.${uid}`),
  ...GRAFANA_DASHBOARDS.map((uid) => `grafana.dashboard.${uid}`),
] as const;

/** The Grafana group: healthy, both data sources answer, both dashboards exist. */
export async function runGrafanaChecks(targets: StackTargets, run: CheckRun): Promise<void> {
  const base = targets.grafanaUrl;
  const fix = `start Grafana (docker ps --filter label=${LABELS.component}=${COMPONENTS.grafana}) or point --grafana-url at it`;
  const healthUrl = joinUrl(base, "/api/health");
  const healthy = await run.check("grafana.health", { what: `GET ${healthUrl}`, fix }, async ({ signal }) => {
    const response = await httpGet(healthUrl, { signal });
    return { verdict: healthVerdict(response), value: true };
  });
  if (!healthy) {
    run.skipAll(GRAFANA_CHECKS.slice(1), "needs a healthy Grafana (grafana.health failed)");
    return;
  }
  const auth =
    targets.grafanaUser && targets.grafanaPassword ? { user: targets.grafanaUser, password: targets.grafanaPassword } : undefined;
  for (const uid of GRAFANA_DATA_SOURCES) {
    const url = joinUrl(base, `/api/datasources/uid/${uid}/health`);
    await run.check(`grafana.datasource.${uid}`, { what: `GET ${url}`, fix }, async ({ signal }) => ({
      verdict: dataSourceVerdict(uid, await httpGet(url, { signal, auth }), auth !== undefined),
    }));
  }
  for (const uid of GRAFANA_DASHBOARDS) {
    const url = joinUrl(base, `/api/dashboards/uid/${uid}`);
    await run.check(`grafana.dashboard.${uid}`, { what: `GET ${url}`, fix }, async ({ signal }) => ({
      verdict: dashboardVerdict(uid, await httpGet(url, { signal, auth }), auth !== undefined),
    }));
  }
}

/** GET /api/health: Grafana is up and reaches its database. */
export function healthVerdict(response: HttpResponse): Verdict {
  if (response.status !== 200) {
    return fail(
      `/api/health answered HTTP ${response.status}: "${snippet(response.body)}"`,
      `read Grafana's log (docker logs ${CONTAINER_NAMES.grafana})`,
    );
  }
  const health = parseJson<{ database?: string; version?: string }>(response, "/api/health");
  if (health.database !== "ok") {
    return fail(
      `Grafana's database is "${health.database ?? "unknown"}"`,
      "check the grafana-data volume (disk full? permissions for UID 472?) and Grafana's log",
    );
  }
  return ok(`Grafana ${health.version ?? ""} is healthy, database ok`.replace("  ", " "));
}

/** GET /api/datasources/uid/<uid>/health: the provisioned data source reaches its backend. */
export function dataSourceVerdict(uid: string, response: HttpResponse, loggedIn: boolean): Verdict {
  const denied = loginVerdict(response, loggedIn);
  if (denied) return denied;
  const body = response.body.trim().startsWith("{") ? parseJson<{ status?: string; message?: string }>(response, "data source health") : {};
  if (response.status === 404) {
    return fail(`no data source with uid "${uid}"`, `provision it with uid: ${uid} (datasources/*.yaml), then restart Grafana`);
  }
  if (response.status === 200 && body.status === "OK") {
    return ok(`data source "${uid}": ${body.message ?? "OK"}`);
  }
  return fail(
    `data source "${uid}" is unhealthy (HTTP ${response.status}): ${body.message ?? snippet(response.body)}`,
    `check that Grafana reaches ${uid === DATA_SOURCE_UIDS.loki ? `Loki (http://${CONTAINER_NAMES.loki}:${CONTAINER_PORTS.lokiHttp})` : `Prometheus (http://${CONTAINER_NAMES.prometheus}:${CONTAINER_PORTS.prometheus})`} on the stack network, and that it runs`,
  );
}

/** GET /api/dashboards/uid/<uid>: the provisioned dashboard exists. */
export function dashboardVerdict(uid: string, response: HttpResponse, loggedIn: boolean): Verdict {
  const denied = loginVerdict(response, loggedIn);
  if (denied) return denied;
  if (response.status === 404) {
    return fail(
      `no dashboard with uid "${uid}"`,
      "the dashboard provider did not load it: check dashboards/*.yaml's path and Grafana's log for provisioning errors",
    );
  }
  if (response.status !== 200) {
    return fail(
      `dashboard "${uid}": HTTP ${response.status}: "${snippet(response.body)}"`,
      `read Grafana's log (docker logs ${CONTAINER_NAMES.grafana})`,
    );
  }
  const found = parseJson<{ dashboard?: { title?: string }; meta?: { folderTitle?: string } }>(response, `dashboard ${uid}`);
  return ok(`dashboard "${found.dashboard?.title ?? uid}"${found.meta?.folderTitle ? ` in folder ${found.meta.folderTitle}` : ""}`);
}

function loginVerdict(response: HttpResponse, loggedIn: boolean): Verdict | undefined {
  if (response.status !== 401 && response.status !== 403) return undefined;
  return loggedIn
    ? fail(
        `Grafana refused the login (HTTP ${response.status})`,
        `check ${OUTPUTS.grafanaAdminUser} / ${OUTPUTS.grafanaAdminPassword} (the password applies only when Grafana's database is first created)`,
      )
    : fail(
        `Grafana wants a login (HTTP ${response.status}) and none was given`,
        `pass --outputs (${OUTPUTS.grafanaAdminUser}, ${OUTPUTS.grafanaAdminPassword}) or --grafana-user and NATSMON_GRAFANA_PASSWORD`,
      );
}

import { COMPONENTS, CONTAINER_NAMES, LABELS, LOG_JOBS, LOG_LABELS } from "../../contract/index.js";
import type { StackTargets } from "../targets.js";
import type { CheckRun } from "./check-run.js";
import { httpGet, joinUrl, parseJson, snippet } from "./http.js";
import { fail, ok, type Verdict } from "./verdict.js";

export const LOKI_CHECKS = ["loki.ready", "loki.nats-logs"] as const;

/** The LogQL selector of NATS's logs, as the log collector labels them. */
export const NATS_LOG_SELECTOR = `{${LOG_LABELS.job}="${LOG_JOBS.nats}"}`;

/** The part of a /loki/api/v1/query_range answer the check reads. */
export interface LokiQueryData {
  readonly resultType?: string;
  readonly result: readonly {
    readonly stream?: Readonly<Record<string, string>>;
    readonly values?: readonly (readonly [string, string])[];
  }[];
}

/** The Loki group: ready, and NATS's log lines arrive. */
export async function runLokiChecks(targets: StackTargets, run: CheckRun): Promise<void> {
  const base = targets.lokiUrl;
  const fix = `start Loki (docker ps --filter label=${LABELS.component}=${COMPONENTS.loki}) or point --loki-url at it`;
  const readyUrl = joinUrl(base, "/ready");
  const ready = await run.check("loki.ready", { what: `GET ${readyUrl}`, fix }, async ({ signal }) => {
    const response = await httpGet(readyUrl, { signal });
    if (response.status === 200) return { verdict: ok(`${readyUrl} answers "${snippet(response.body)}"`), value: true };
    return {
      verdict: fail(
        `Loki is not ready (HTTP ${response.status}: "${snippet(response.body)}")`,
        `Loki waits about 15 s after start before it is ready; if it stays so, read its log (docker logs ${CONTAINER_NAMES.loki})`,
      ),
    };
  });
  if (!ready) {
    run.skipAll(LOKI_CHECKS.slice(1), "needs a ready Loki (loki.ready failed)");
    return;
  }
  const query = new URLSearchParams({ query: NATS_LOG_SELECTOR, limit: "5", since: "1h", direction: "backward" });
  const url = joinUrl(base, `/loki/api/v1/query_range?${query}`);
  await run.check("loki.nats-logs", { what: `query ${NATS_LOG_SELECTOR}`, fix }, async ({ signal }) => {
    const response = await httpGet(url, { signal });
    if (response.status !== 200) {
      return {
        verdict: fail(
          `the query ${NATS_LOG_SELECTOR} answered HTTP ${response.status}: "${snippet(response.body)}"`,
          `read Loki's log (docker logs ${CONTAINER_NAMES.loki})`,
        ),
      };
    }
    return { verdict: natsLogsVerdict(parseJson<{ data: LokiQueryData }>(response, "Loki's query_range").data) };
  });
}

/** Did any NATS log line arrive in the last hour? */
export function natsLogsVerdict(data: LokiQueryData): Verdict {
  const lines = data.result.reduce((count, stream) => count + (stream.values?.length ?? 0), 0);
  if (lines === 0) {
    return fail(
      `no log line with ${NATS_LOG_SELECTOR} in the last hour`,
      `the log collector is not shipping NATS's logs: check that it runs (docker ps --filter label=${LABELS.component}=${COMPONENTS.alloy}, or ${COMPONENTS.promtail}) and read its log`,
    );
  }
  const containers = [
    ...new Set(data.result.map((stream) => stream.stream?.[LOG_LABELS.containerName] ?? stream.stream?.container).filter(Boolean)),
  ].sort();
  return ok(`NATS log lines arrive${containers.length > 0 ? ` (latest from ${containers.join(", ")})` : ""}`);
}

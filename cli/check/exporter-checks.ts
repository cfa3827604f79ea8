import { COMPONENTS, CONTAINER_PORTS, DEFAULT_HOST_PORTS, LABELS, natsNodeName } from "../../contract/index.js";
import type { StackTargets } from "../targets.js";
import type { CheckRun } from "./check-run.js";
import { httpGet, joinUrl } from "./http.js";
import { parsePromText, type Sample } from "./prom-text.js";
import { fail, ok, type Verdict } from "./verdict.js";

export const EXPORTER_CHECKS = ["exporter.metrics"] as const;

/**
 * prometheus-nats-exporter has no health endpoint: its /metrics is the check.
 * On a stack over several hosts every host's exporter is checked, each as
 * `exporter.metrics@<host>`, so a failure says which host it is on.
 */
export async function runExporterChecks(targets: StackTargets, run: CheckRun): Promise<void> {
  if (!targets.exporters) return checkExporter(run, "exporter.metrics", targets.exporterUrl);
  for (const { host, url } of targets.exporters) {
    const engine = targets.hosts?.find((h) => h.name === host)?.dockerHost;
    await checkExporter(run, `exporter.metrics@${host}`, url, { host, engine });
  }
}

async function checkExporter(run: CheckRun, name: string, base: string, on?: { host: string; engine?: string }): Promise<void> {
  const url = joinUrl(base, "/metrics");
  const docker = on?.engine ? `docker -H ${on.engine}` : "docker";
  const where = on ? ` on host ${on.host}` : "";
  const fix = `start prometheus-nats-exporter${where} (${docker} ps --filter label=${LABELS.component}=${COMPONENTS.exporter})${on ? "; its port must be open to this machine" : " or point --exporter-url at it"}`;
  await run.check(name, { what: `GET ${url}${where}`, fix }, async ({ signal }) => {
    const response = await httpGet(url, { signal });
    if (response.status !== 200) {
      return {
        verdict: fail(
          `${url} answered HTTP ${response.status}`,
          `the exporter serves /metrics on its port (${CONTAINER_PORTS.exporter} inside, ${DEFAULT_HOST_PORTS.exporter} on the host): ${fix}`,
        ),
      };
    }
    return { verdict: exporterVerdict(parsePromText(response.body)) };
  });
}

/** Does the exporter read the servers' /varz? */
export function exporterVerdict(samples: readonly Sample[]): Verdict {
  const varz = samples.filter((sample) => sample.name.startsWith("gnatsd_varz_"));
  if (varz.length === 0) {
    const nats = samples.some((sample) => sample.name.startsWith("gnatsd_") || sample.name.startsWith("jetstream_"));
    return fail(
      nats ? "/metrics has NATS metrics but no gnatsd_varz_* series" : "/metrics has no gnatsd_varz_* series",
      `start the exporter with -varz and the servers' monitoring URLs (http://${natsNodeName(1)}:${CONTAINER_PORTS.natsMonitoring} ...); its log says which server it cannot reach`,
    );
  }
  const servers = new Set(varz.map((sample) => sample.labels.server_id).filter((id) => id !== undefined));
  return ok(`${varz.length} gnatsd_varz_* series${servers.size > 0 ? ` from ${servers.size} server(s)` : ""}`);
}

import { monitoringHost, type StackHost } from "../stack-hosts.js";
import type { CheckResult } from "./verdict.js";

/** The groups whose part runs on the monitoring host of a stack over several hosts. */
const MONITORING_GROUPS: ReadonlySet<string> = new Set(["surveyor", "prometheus", "alertmanager", "loki", "grafana"]);

/** Addresses that only the machine itself reaches. */
const LOOPBACK = /^(127\.|localhost$|\[::1\]$)/;

/**
 * On a stack over several hosts, a failed check of a monitoring part says
 * which host that part runs on; when its URL is a loopback address (the
 * default: Prometheus, Grafana, Surveyor and Alertmanager stay on 127.0.0.1
 * of the monitoring host), it also says that natsmon must run on that host
 * or reach the port through a tunnel. `urls` gives each group's URL.
 */
export function withHostNotes(
  results: readonly CheckResult[],
  hosts: readonly StackHost[] | undefined,
  urls: Readonly<Record<string, string | undefined>>,
): CheckResult[] {
  const host = hosts && monitoringHost(hosts);
  if (!host) return [...results];
  return results.map((result) => {
    if (result.status !== "fail" || !MONITORING_GROUPS.has(result.group)) return result;
    const url = urls[result.group];
    const parsed = parseUrl(url);
    const note =
      parsed && LOOPBACK.test(parsed.hostname)
        ? `${result.group} runs on the monitoring host ${host.name} (${host.address}), and ${parsed.host} is that host's loopback: run natsmon on ${host.name}, or forward the port (ssh -L ${parsed.port || "PORT"}:${parsed.host} ${host.address}) and pass --${result.group}-url`
        : `${result.group} runs on the monitoring host ${host.name} (${host.address})`;
    return { ...result, fix: result.fix ? `${note}; ${result.fix}` : note };
  });
}

function parseUrl(url: string | undefined): URL | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

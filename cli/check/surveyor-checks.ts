import { COMPONENTS, CONTAINER_PORTS, LABELS } from "../../contract/index.js";
import type { StackTargets } from "../targets.js";
import type { CheckRun } from "./check-run.js";
import { httpGet, joinUrl, snippet } from "./http.js";
import { parsePromText, type Sample, samplesOf } from "./prom-text.js";
import { fail, ok, type Verdict } from "./verdict.js";

export const SURVEYOR_CHECKS = ["surveyor.healthz", "surveyor.nats-up", "surveyor.surveyed"] as const;

/** The Surveyor group: alive, connected to NATS, and seeing every server. */
export async function runSurveyorChecks(targets: StackTargets, run: CheckRun): Promise<void> {
  const base = targets.surveyorUrl;
  const fix = `start Surveyor (docker ps --filter label=${LABELS.component}=${COMPONENTS.surveyor}) or point --surveyor-url at it`;
  const healthUrl = joinUrl(base, "/healthz");
  const alive = await run.check("surveyor.healthz", { what: `GET ${healthUrl}`, fix }, async ({ signal }) => {
    const response = await httpGet(healthUrl, { signal });
    return response.status === 200
      ? { verdict: ok(`${healthUrl} answers 200`), value: true }
      : {
          verdict: fail(
            `${healthUrl} answered HTTP ${response.status}: "${snippet(response.body)}"`,
            `read Surveyor's log: docker logs <surveyor container>; ${fix}`,
          ),
        };
  });
  if (!alive) {
    run.skipAll(SURVEYOR_CHECKS.slice(1), "needs Surveyor to answer (surveyor.healthz failed)");
    return;
  }
  const metricsUrl = joinUrl(base, "/metrics");
  const samples = await run.check("surveyor.nats-up", { what: `GET ${metricsUrl}`, fix }, async ({ signal }) => {
    const response = await httpGet(metricsUrl, { signal });
    if (response.status !== 200) {
      return {
        verdict: fail(
          `${metricsUrl} answered HTTP ${response.status}`,
          "Surveyor serves /metrics on its listen port: check --surveyor-url",
        ),
      };
    }
    const parsed = parsePromText(response.body);
    return { verdict: natsUpVerdict(parsed), value: parsed };
  });
  if (!samples) {
    run.skipAll(["surveyor.surveyed"], "needs Surveyor's metrics (surveyor.nats-up failed)");
    return;
  }
  await run.check("surveyor.surveyed", { what: "nats_survey_surveyed_count", fix }, async () => ({
    verdict: surveyedVerdict(samples, targets.expectedServers),
  }));
}

/** Is Surveyor connected to NATS? */
export function natsUpVerdict(samples: readonly Sample[]): Verdict {
  const up = samplesOf(samples, "nats_up");
  if (up.length === 0) {
    return fail(
      "/metrics has no nats_up metric",
      `the URL does not point at NATS Surveyor: check --surveyor-url (Surveyor listens on ${CONTAINER_PORTS.surveyor})`,
    );
  }
  if (up.some((sample) => sample.value !== 1)) {
    return fail(
      "nats_up is 0: Surveyor is not connected to NATS",
      "check Surveyor's -s URL and its system-account user and password (docker logs <surveyor container>)",
    );
  }
  return ok("nats_up is 1: Surveyor is connected to NATS");
}

/** Did Surveyor's last survey reach every server it expects, and does it expect the right number? */
export function surveyedVerdict(samples: readonly Sample[], expectedServers: number | undefined): Verdict {
  const expected = samplesOf(samples, "nats_survey_expected_count")[0]?.value;
  const surveyed = samplesOf(samples, "nats_survey_surveyed_count")[0]?.value;
  if (expected === undefined || surveyed === undefined) {
    return fail(
      "/metrics lacks nats_survey_expected_count or nats_survey_surveyed_count",
      "Surveyor has not completed a survey yet: run the check again in a few seconds",
    );
  }
  if (surveyed < expected) {
    return fail(
      `surveyed ${surveyed} of ${expected} expected servers`,
      "a server does not answer Surveyor: check natsmon check's nats.servers result and the missing node's container",
    );
  }
  if (expectedServers !== undefined && expected !== expectedServers) {
    return fail(
      `Surveyor expects ${expected} server(s) but the cluster has ${expectedServers}`,
      `set Surveyor's -c flag to ${expectedServers} (the Surveyor construct takes it from the cluster's node count)`,
    );
  }
  return ok(`surveyed ${surveyed} of ${expected} expected servers`);
}

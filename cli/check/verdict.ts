/** What one check concluded. */
export type CheckStatus = "ok" | "fail" | "skip";

/**
 * A check's conclusion. A failure always says what it saw (`detail`) and the
 * likely fix (`fix`), so that the report is enough to act on.
 */
export interface Verdict {
  readonly status: CheckStatus;
  /** What the check saw, in one sentence. */
  readonly detail: string;
  /** The likely fix; set on every failure. */
  readonly fix?: string;
}

/** One row of the report. */
export interface CheckResult extends Verdict {
  /** Stable dotted name, e.g. "nats.connect", "prometheus.targets". */
  readonly name: string;
  /** The part of the stack: nats, surveyor, exporter, prometheus, alertmanager, loki, grafana. */
  readonly group: string;
  /** How long the check took, in milliseconds. */
  readonly durationMs: number;
}

export function ok(detail: string): Verdict {
  return { status: "ok", detail };
}

export function fail(detail: string, fix: string): Verdict {
  return { status: "fail", detail, fix };
}

export function skip(detail: string): Verdict {
  return { status: "skip", detail };
}

/** A verdict plus a value that later checks of the same group build on. */
export interface Outcome<T> {
  readonly verdict: Verdict;
  readonly value?: T;
}

/** True when every check passed (and there was one): `natsmon check` exits 0 exactly then. */
export function allPassed(results: readonly CheckResult[]): boolean {
  return results.length > 0 && results.every((result) => result.status === "ok");
}

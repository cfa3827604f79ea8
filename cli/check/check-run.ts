import { describeError } from "./describe-error.js";
import { type CheckResult, fail, type Outcome, skip, type Verdict } from "./verdict.js";

/** What a check body gets: an abort signal that fires at its timeout. */
export interface CheckScope {
  readonly signal: AbortSignal;
  /** The per-check timeout, in milliseconds. */
  readonly timeoutMs: number;
}

/** What a check talks to, for the messages of a check that cannot reach it. */
export interface CheckTarget {
  /** What the check does, e.g. "GET http://127.0.0.1:9090/-/ready". */
  readonly what: string;
  /** What to do when the service does not answer. */
  readonly fix: string;
}

/**
 * Runs the checks of one group in order and records their results. Each check
 * gets its own timeout: the body sees an abort signal, and the run stops
 * waiting for it when the time is up, so a check that ignores the signal still
 * cannot hang the command. An exception becomes a failed check, never a stack
 * trace.
 */
export class CheckRun {
  private readonly recorded: CheckResult[] = [];

  constructor(
    readonly group: string,
    readonly timeoutMs: number,
    /** Called with each result as it is recorded, for progress output. */
    private readonly onResult?: (result: CheckResult) => void,
  ) {}

  /** The results so far, in the order the checks ran. */
  get results(): readonly CheckResult[] {
    return this.recorded;
  }

  /**
   * Runs a check whose body returns a verdict and, for later checks, a value.
   * A timeout or an exception fails the check with `target.what` (what it
   * tried) and `target.fix` (what to do when the service does not answer).
   */
  async check<T>(name: string, target: CheckTarget, body: (scope: CheckScope) => Promise<Outcome<T>>): Promise<T | undefined> {
    const what = target.what;
    const started = performance.now();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<Outcome<T>>((resolve) => {
      timer = setTimeout(() => {
        controller.abort(new Error("timeout"));
        resolve({
          verdict: fail(
            `no answer within ${formatSeconds(this.timeoutMs)} (${what})`,
            `${target.fix}; if it is only slow, raise --timeout`,
          ),
        });
      }, this.timeoutMs);
    });
    let outcome: Outcome<T>;
    try {
      outcome = await Promise.race([body({ signal: controller.signal, timeoutMs: this.timeoutMs }), timedOut]);
    } catch (error) {
      outcome = { verdict: failureOf(error, target) };
    } finally {
      clearTimeout(timer);
    }
    this.record(name, outcome.verdict, performance.now() - started);
    return outcome.verdict.status === "ok" ? outcome.value : undefined;
  }

  /** Records checks that could not run because an earlier one failed. */
  skipAll(names: readonly string[], reason: string): void {
    for (const name of names) this.record(name, skip(reason), 0);
  }

  private record(name: string, verdict: Verdict, durationMs: number): void {
    const result: CheckResult = { name, group: this.group, ...verdict, durationMs: Math.round(durationMs) };
    this.recorded.push(result);
    this.onResult?.(result);
  }
}

function failureOf(error: unknown, target: CheckTarget): Verdict {
  const described = describeError(error);
  return fail(`${target.what}: ${described.saw}`, described.fix ?? target.fix);
}

export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

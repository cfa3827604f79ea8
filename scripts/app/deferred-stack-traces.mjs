// @ts-check
/**
 * cdktf records where each token and computed list was created
 * (`creationStack`, from cdktf/lib/tokens/private/stack-trace.js): a full
 * stack trace, captured with no depth limit and formatted into strings at
 * once. A default stack makes about 300 of them, and formatting them is
 * about 40 ms of its start-up; only an error message about a token ever
 * reads one.
 *
 * The app command keeps the capture and defers the formatting: V8 captures
 * the frames when asked and formats them when `.stack` is first read. The
 * array cdktf gets back is a view that formats on first use, with the same
 * lines as cdktf's own function gives. The library API (importing the
 * constructs into your own app) is not touched.
 */
import { createRequire } from "node:module";

/** The module and function this replaces, as cdktf 0.21 lays them out. */
const STACK_TRACE_MODULE = "cdktf/lib/tokens/private/stack-trace.js";

/**
 * Replaces cdktf's captureStackTrace with the deferred one, for the cdktf
 * that a module at `fromFile` (the app's bundle) imports. Returns false, and changes nothing, when that
 * cdktf has no such module or function (another layout: start-up is then
 * as before, never different in behaviour).
 * @param {string} fromFile
 * @returns {boolean}
 */
export function deferCdktfStackTraces(fromFile) {
  /** @type {{ captureStackTrace?: unknown } | undefined} */
  let stackTrace;
  try {
    stackTrace = createRequire(fromFile)(STACK_TRACE_MODULE);
  } catch {
    return false;
  }
  if (typeof stackTrace?.captureStackTrace !== "function") return false;
  stackTrace.captureStackTrace = captureStackTraceDeferred;
  return true;
}

/**
 * What cdktf's captureStackTrace returns (the frames below `below`, without
 * their "at "), formatted on first use.
 * @param {Function} [below]
 * @returns {string[]}
 */
export function captureStackTraceDeferred(below) {
  /** @type {{ stack?: string }} */
  const holder = {};
  const previousLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = Number.MAX_SAFE_INTEGER;
    Error.captureStackTrace(holder, below ?? captureStackTraceDeferred);
  } finally {
    Error.stackTraceLimit = previousLimit;
  }
  /** @type {string[] | undefined} */
  let lines;
  const frames = () => {
    lines ??= holder.stack
      ? holder.stack
          .split("\n")
          .slice(1)
          .map((line) => line.replace(/^\s*at\s+/, ""))
      : [];
    return lines;
  };
  return new Proxy(/** @type {string[]} */ ([]), {
    get: (_, key) => {
      const value = Reflect.get(frames(), key);
      return typeof value === "function" ? value.bind(frames()) : value;
    },
    has: (_, key) => Reflect.has(frames(), key),
    ownKeys: () => Reflect.ownKeys(frames()),
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(frames(), key),
  });
}

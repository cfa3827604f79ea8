/** Types of deferred-stack-traces.mjs, for the tests (the launcher itself is plain JavaScript). */
export function deferCdktfStackTraces(fromFile: string): boolean;
export function captureStackTraceDeferred(below?: (...args: never[]) => unknown): string[];

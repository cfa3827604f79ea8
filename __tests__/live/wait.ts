/** Options of {@link waitFor}. */
export interface WaitOptions {
  /** Give up after this long. */
  readonly timeoutMs: number;
  /** Pause between two tries. @default 250 */
  readonly intervalMs?: number;
  /** Errors for which waiting on is pointless (a container that exited): rethrown at once. */
  readonly fatal?: (error: unknown) => boolean;
}

/**
 * Calls `probe` until it returns a value other than undefined, at most
 * `timeoutMs` long and so at most timeoutMs / intervalMs times: every wait of
 * the live tests is bounded. A probe that throws counts as "not yet"; the
 * last error is in the timeout's message.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const interval = options.intervalMs ?? 250;
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (let attempt = 0; attempt <= Math.ceil(options.timeoutMs / interval); attempt++) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (error) {
      if (options.fatal?.(error)) throw error;
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await sleep(interval);
  }
  const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : "";
  throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${cause}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** GETs a JSON document, failing on any status but 200. */
export async function getJson<T = any>(url: string, timeoutMs = 2_000): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (response.status !== 200) throw new Error(`GET ${url}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

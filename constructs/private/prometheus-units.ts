/**
 * Prometheus's own formats for durations and sizes, which differ from the
 * project's ("15d" is a Prometheus duration, not a Go one; "10GB" means
 * 10 GiB to Prometheus). Pure functions: undefined for malformed input.
 */

const UNIT_SECONDS: Record<string, number> = { y: 365 * 86400, w: 7 * 86400, d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };
// Prometheus's model.ParseDuration: units in this order, each at most once.
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Parses a Prometheus duration such as "15d", "2w" or "1h30m" into seconds. */
export function parsePrometheusDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match || text === "") return undefined;
  const units = ["y", "w", "d", "h", "m", "s", "ms"];
  const seconds = units.reduce((sum, unit, i) => sum + Number(match[i + 1] ?? 0) * UNIT_SECONDS[unit], 0);
  return seconds > 0 ? seconds : undefined;
}

const SIZE_UNITS: [string, number][] = [
  ["TB", 1024 ** 4],
  ["GB", 1024 ** 3],
  ["MB", 1024 ** 2],
  ["KB", 1024],
];

/**
 * Writes a byte count as `--storage.tsdb.retention.size` reads it: the
 * largest of TB, GB, MB, KB (powers of 1024, as Prometheus counts them) that
 * divides it exactly, else bytes ("B").
 */
export function formatPrometheusSize(bytes: number): string {
  if (!Number.isInteger(bytes) || bytes <= 0) throw new Error(`not a positive whole number of bytes: ${bytes}`);
  for (const [unit, size] of SIZE_UNITS) if (bytes % size === 0) return `${bytes / size}${unit}`;
  return `${bytes}B`;
}

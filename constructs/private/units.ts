/**
 * Human sizes and durations, as users write them in props ("256M", "10G",
 * "30s"). Pure functions: they return undefined for malformed input and leave
 * the error message to the construct that owns the prop.
 */

const SIZE = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i;
const MULTIPLIER: Record<string, number> = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/**
 * Parses a size such as "256M", "10G", "1.5GiB" or "512" (bytes) into bytes.
 * Multipliers are powers of 1024, as nats-server and Docker read them.
 */
export function parseSize(text: string): number | undefined {
  const match = SIZE.exec(text.trim());
  if (!match) return undefined;
  const bytes = Number(match[1]) * MULTIPLIER[match[2].toUpperCase()];
  return Number.isFinite(bytes) && bytes > 0 ? Math.round(bytes) : undefined;
}

const DURATION = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?$/;

/**
 * Parses a Go-style duration made of hours, minutes and seconds ("2m",
 * "1h30m", "10s") into whole seconds.
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim() === "") return undefined;
  const [, h = "0", m = "0", s = "0"] = match;
  const seconds = Number(h) * 3600 + Number(m) * 60 + Number(s);
  return seconds > 0 ? seconds : undefined;
}

/** Levenshtein distance, case-insensitive: how many edits turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length];
}

/**
 * The allowed names closest to a wrong one: those within a third of its
 * length in edits (at least 2), or that start with it ("retention" for
 * retentionTime and retentionSize), best first, at most three.
 */
export function closestNames(wrong: string, allowed: readonly string[]): string[] {
  const limit = Math.max(2, Math.floor(wrong.length / 3));
  const lower = wrong.toLowerCase();
  return allowed
    .map((name) => ({ name, distance: editDistance(wrong, name) }))
    .filter(({ name, distance }) => distance <= limit || (lower.length >= 3 && name.toLowerCase().startsWith(lower)))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, 3)
    .map(({ name }) => name);
}

/** "a", "a or b", "a, b or c". */
export function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

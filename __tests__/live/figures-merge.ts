import type { LiveFigures } from "./figures.js";

/** Figures recorded by several cases, of which the LIVE line shows the worst (the largest). */
export const WORST_OF: ReadonlySet<keyof LiveFigures> = new Set(["rollout_lost", "rollout_max_gap_s", "scalein_lost"]);

/** Merges one recorded line into the figures so far: the worst for {@link WORST_OF}, else the latest. */
export function mergeFigures(figures: LiveFigures, recorded: LiveFigures): LiveFigures {
  const merged: Record<string, unknown> = { ...figures };
  for (const [key, value] of Object.entries(recorded)) {
    const previous = merged[key];
    merged[key] =
      WORST_OF.has(key as keyof LiveFigures) && typeof previous === "number" && typeof value === "number"
        ? Math.max(previous, value)
        : value;
  }
  return merged as LiveFigures;
}

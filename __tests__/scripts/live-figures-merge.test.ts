import { describe, expect, it } from "vitest";
import { mergeFigures } from "../live/figures-merge.js";

describe("the LIVE line's figures, merged over the recorded lines", () => {
  it("keeps the worst rollout figures and the latest of the others", () => {
    let figures = {};
    for (const line of [
      { rollout_lost: 0, rollout_max_gap_s: 2.7, failover_s: 3 },
      { rollout_lost: 0, rollout_max_gap_s: 4.5, failover_s: 2 },
      { rollout_lost: 0, rollout_max_gap_s: 3.1, scalein_lost: 0 },
    ]) {
      figures = mergeFigures(figures, line);
    }
    expect(figures).toEqual({ rollout_lost: 0, rollout_max_gap_s: 4.5, failover_s: 2, scalein_lost: 0 });
    expect(mergeFigures(figures, { rollout_lost: 1 })).toMatchObject({ rollout_lost: 1 });
  });
});

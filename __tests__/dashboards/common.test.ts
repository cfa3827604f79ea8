import { PanelBuilder as StatPanelBuilder } from "@grafana/grafana-foundation-sdk/stat";
import { describe, expect, it } from "vitest";
import { layOut, newDashboard } from "../../dashboards/common.js";

const stat = (title: string) => new StatPanelBuilder().title(title);

describe("layOut", () => {
  it("puts a row above each section and wraps panels at 24 columns", () => {
    const dashboard = layOut(newDashboard({ uid: "t", title: "T", description: "", refresh: "1m" }), [
      {
        title: "First",
        panels: [
          { panel: stat("a"), width: 16, height: 4 },
          { panel: stat("b"), width: 12, height: 6 },
          { panel: stat("c"), width: 12, height: 2 },
        ],
      },
      { title: "Second", panels: [{ panel: stat("d"), width: 24, height: 3 }] },
    ]).build();
    expect(dashboard.panels?.map((p) => [p.id, p.type, p.title, p.gridPos])).toEqual([
      [1, "row", "First", { x: 0, y: 0, w: 24, h: 1 }],
      [2, "stat", "a", { x: 0, y: 1, w: 16, h: 4 }],
      // 16 + 12 > 24: the next line starts below a.
      [3, "stat", "b", { x: 0, y: 5, w: 12, h: 6 }],
      [4, "stat", "c", { x: 12, y: 5, w: 12, h: 2 }],
      // Below the tallest panel of the last line.
      [5, "row", "Second", { x: 0, y: 11, w: 24, h: 1 }],
      [6, "stat", "d", { x: 0, y: 12, w: 24, h: 3 }],
    ]);
  });

  it("refuses panels wider than the grid", () => {
    const build = () =>
      layOut(newDashboard({ uid: "t", title: "T", description: "", refresh: "1m" }), [
        { title: "S", panels: [{ panel: stat("x"), width: 25, height: 4 }] },
      ]);
    expect(build).toThrow('section "S": a panel is 25x4; widths run from 1 to 24, heights from 1');
  });
});

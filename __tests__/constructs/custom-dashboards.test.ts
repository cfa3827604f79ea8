import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CustomDashboardError, readCustomDashboards } from "../../constructs/custom-dashboards.js";
import { useTempDirs } from "../helpers/temp-dirs.js";

const folderWith = useTempDirs();

describe("readCustomDashboards", () => {
  it("reads every JSON file in name order, keeps its text and ignores other files", () => {
    const b = '{\n  "uid": "team-b",\n  "title": "B"\n}\n';
    const dir = folderWith({ "b.json": b, "a.JSON": '{"title": "A"}', "README.md": "# not a dashboard", ".gitkeep": "" });
    mkdirSync(join(dir, "sub.json"));
    expect(readCustomDashboards(dir)).toEqual([
      { fileName: "a.JSON", path: join(dir, "a.JSON"), text: '{"title": "A"}' },
      { fileName: "b.json", path: join(dir, "b.json"), text: b, uid: "team-b" },
    ]);
  });

  it("reads an empty folder as no dashboards", () => {
    expect(readCustomDashboards(folderWith({ "README.md": "" }))).toEqual([]);
  });

  it("fails on malformed JSON with the file's path and the parser's message", () => {
    const broken = '{"title": "x",\n  "panels": [}';
    const dir = folderWith({ "broken.json": broken });
    let parserMessage = "";
    try {
      JSON.parse(broken);
    } catch (error) {
      parserMessage = (error as Error).message;
    }
    expect(parserMessage).not.toBe("");
    const read = () => readCustomDashboards(dir);
    expect(read).toThrow(CustomDashboardError);
    // The parser's message, on one line, after the file's path.
    expect(read).toThrow(`${join(dir, "broken.json")}: is not valid JSON; the parser says: ${parserMessage.replace(/\s*\n\s*/g, " ")}`);
  });

  it.each([
    ["[1, 2]", "is not a dashboard: the JSON must be an object"],
    ['"text"', "is not a dashboard: the JSON must be an object"],
    ['{"__inputs": [{"name": "DS_PROMETHEUS"}], "uid": "x"}', 'was exported "for sharing externally"'],
    ['{"uid": 42}', "has a uid that is not a string: 42"],
  ])("refuses %s", (text, problem) => {
    const dir = folderWith({ "x.json": text });
    expect(() => readCustomDashboards(dir)).toThrow(problem);
  });
});

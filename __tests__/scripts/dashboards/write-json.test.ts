import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../scripts/dashboards/write-json.js";
import { useTempDirs } from "../../helpers/temp-dirs.js";

const tempDir = useTempDirs();

describe("npm run dashboards", () => {
  it("writes one JSON file per dashboard, named after its uid", () => {
    const dir = join(tempDir(), "out");
    const written = main([dir]);
    expect(readdirSync(dir).sort()).toEqual(["nats-jetstream-cluster.json", "nats-logs.json"]);
    expect(written).toEqual([join(dir, "nats-jetstream-cluster.json"), join(dir, "nats-logs.json")]);
    const dashboard = JSON.parse(readFileSync(join(dir, "nats-logs.json"), "utf8"));
    expect(dashboard.uid).toBe("nats-logs");
    expect(dashboard.templating.list[0].current.value).toBe("loki");
  });

  it("selects other data source uids by default when asked", () => {
    const dir = tempDir();
    main([dir, "--prometheus-uid", "mimir", "--loki-uid", "logs"]);
    const jetstream = JSON.parse(readFileSync(join(dir, "nats-jetstream-cluster.json"), "utf8"));
    const logs = JSON.parse(readFileSync(join(dir, "nats-logs.json"), "utf8"));
    expect(jetstream.templating.list[0]).toMatchObject({ type: "datasource", query: "prometheus", current: { value: "mimir" } });
    expect(logs.templating.list[0]).toMatchObject({ type: "datasource", query: "loki", current: { value: "logs" } });
  });

  it("refuses more than one folder", () => {
    expect(() => main(["a", "b"])).toThrow("expected at most one output folder, got a b");
  });
});

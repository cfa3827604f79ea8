import { describe, expect, it } from "vitest";
import {
  containerRelabelRules,
  dockerLabelMeta,
  LOG_LEVEL_TEMPLATE,
  NATS_LEVEL_REGEX,
  projectContainerFilter,
} from "../../../constructs/config/log-pipeline.js";
import { NATS_LOG_LEVELS } from "../../../contract/index.js";
import { applyRelabelRules, decolorize, extractNatsLogLevel, runNoisyNatsServer } from "../../helpers/log-pipeline.js";
import { describeWithTool } from "../../helpers/tools.js";

/** Lines of real output, without the trailing carriage returns a TTY adds. */
function lines(output: string): string[] {
  return output
    .split("\n")
    .map((line) => line.replace(/\r$/, ""))
    .filter((line) => line !== "");
}

describeWithTool("nats-server", "NATS log levels on real nats-server output", () => {
  it("extracts INFO, WARN and ERROR from the lines nats-server writes", async () => {
    const output = await runNoisyNatsServer({ tty: false });
    const found = lines(output).map((line) => [line, extractNatsLogLevel(line)] as const);
    const levels = new Set(found.map(([, level]) => level));
    expect(levels, output).toEqual(new Set(["INFO", "WARN", "ERROR"]));
    // Every line nats-server wrote carries a level; none is missed.
    for (const [line, level] of found) expect(level, line).toBeDefined();
    const error = found.find(([line]) => line.includes("[ERR]"));
    expect(error?.[1]).toBe("ERROR");
    expect(error?.[0]).toMatch(/^\[\d+\] \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6} \[ERR\] Error trying to connect to route/);
  });

  describeWithTool("script", "with a TTY, where nats-server colours its level tags", () => {
    it("extracts the levels once the decolorize step has stripped the colours", async () => {
      const output = await runNoisyNatsServer({ tty: true });
      const colouredError = lines(output).find((line) => line.includes("ERR"));
      expect(colouredError, output).toBeDefined();
      expect(colouredError).toContain("\x1b[31mERR\x1b[0m");
      // Without decolorize the regex misses the coloured tag ...
      expect(new RegExp(NATS_LEVEL_REGEX).test(colouredError ?? "")).toBe(false);
      // ... with it, the level is found.
      expect(decolorize(colouredError ?? "")).toMatch(/\[ERR\] Error trying to connect to route/);
      expect(extractNatsLogLevel(colouredError ?? "")).toBe("ERROR");
      expect(new Set(lines(output).map(extractNatsLogLevel))).toEqual(new Set(["INFO", "WARN", "ERROR"]));
    });
  });
});

describe("NATS level regex", () => {
  it.each([
    ["[1] 2026/11/26 01:08:11.304625 [WRN] Plaintext passwords detected", "WARN"],
    ["[7] [DBG] 10.0.0.2:4222 - cid:5 - Client connection created", "DEBUG"],
    ["[7] 2026/11/26 01:08:11.304625 [TRC] 10.0.0.2:4222 - cid:5 - <<- [PING]", "TRACE"],
    ["[7] 2026/11/26 01:08:11.304625 [FTL] Error listening on port", "FATAL"],
  ])("maps %j to %s", (line, level) => {
    expect(extractNatsLogLevel(line)).toBe(level);
  });

  it("ignores lines that only mention a level, and the guide's [ERROR]", () => {
    expect(extractNatsLogLevel('level=error msg="[ERR] in a message"')).toBeUndefined();
    expect(extractNatsLogLevel("[1] 2026/11/26 01:08:11.304625 [ERROR] made up")).toBeUndefined();
    expect(extractNatsLogLevel("[1] 2026/11/26 01:08:11.304625 [INFO] made up")).toBeUndefined();
  });

  it("is built from the level table, which the template maps back to names", () => {
    for (const [tag, name] of Object.entries(NATS_LOG_LEVELS)) {
      expect(NATS_LEVEL_REGEX).toContain(tag);
      expect(LOG_LEVEL_TEMPLATE).toContain(`"${tag}" "${name}"`);
    }
    expect(LOG_LEVEL_TEMPLATE).toBe(
      '{{ get (dict "INF" "INFO" "WRN" "WARN" "ERR" "ERROR" "DBG" "DEBUG" "TRC" "TRACE" "FTL" "FATAL") (default "" .Value) }}',
    );
  });
});

describe("container relabel rules", () => {
  const rules = containerRelabelRules("nats-monitoring");
  const container = (name: string, labels: Record<string, string> = {}) => ({
    __meta_docker_container_name: `/${name}`,
    __meta_docker_container_id: "0123456789ab",
    ...Object.fromEntries(Object.entries(labels).map(([key, value]) => [dockerLabelMeta(key), value])),
  });
  const stack = (name: string, component: string) =>
    container(name, { "natsmon.project": "nats-monitoring", "natsmon.component": component });

  it("gives NATS servers job nats and their component as service", () => {
    expect(applyRelabelRules(rules, stack("nats-node1", "nats"))).toEqual({
      job: "nats",
      container_name: "nats-node1",
      service: "nats",
    });
  });

  it("gives the rest of the stack job monitoring, nats-box included (anchored regex)", () => {
    expect(applyRelabelRules(rules, stack("nats-box", "nats-box"))).toEqual({
      job: "monitoring",
      container_name: "nats-box",
      service: "nats-box",
    });
    expect(applyRelabelRules(rules, stack("team-a-loki", "loki"))).toMatchObject({ job: "monitoring", service: "loki" });
  });

  it("labels containers outside the stack job docker, with their name as service", () => {
    expect(applyRelabelRules(rules, container("web-1"))).toEqual({ job: "docker", container_name: "web-1", service: "web-1" });
    // A NATS server of another natsmon stack on the same engine is not ours.
    const other = container("nats-node1", { "natsmon.project": "staging-nats-monitoring", "natsmon.component": "nats" });
    expect(applyRelabelRules(rules, other)).toMatchObject({ job: "docker" });
  });

  it("escapes the project name in the regex", () => {
    expect(containerRelabelRules("a.b").map((r) => r.regex)).toContain("a\\.b;nats");
  });

  it("filters Docker discovery by the project label", () => {
    expect(projectContainerFilter("nats-monitoring")).toEqual({ name: "label", values: ["natsmon.project=nats-monitoring"] });
  });
});

import { describe, expect, it } from "vitest";
import { alloyString, attr, block, formatAlloy, ref } from "../../../constructs/private/alloy-syntax.js";

describe("alloyString", () => {
  it("doubles backslashes, so a regex reaches Alloy as written", () => {
    expect(alloyString(String.raw`^\[\d+\] \S+`)).toBe(String.raw`"^\\[\\d+\\] \\S+"`);
  });

  it("escapes quotes and control characters", () => {
    expect(alloyString('say "hi"\n\tnow\r')).toBe(String.raw`"say \"hi\"\n\tnow\r"`);
    expect(alloyString("\x1b[0m")).toBe(String.raw`"\u001b[0m"`);
    expect(alloyString("ünïcode ✓")).toBe('"ünïcode ✓"');
  });

  it.each([String.raw`C:\path\"quoted"\\`, "line1\nline2", "\x00\x7f", '{{ get (dict "INF" "INFO") .Value }}'])(
    "reads back as the original text: %j",
    (text) => {
      // The escapes it writes are a subset of both Go's (Alloy's) and JSON's.
      expect(JSON.parse(alloyString(text))).toBe(text);
    },
  );
});

describe("formatAlloy", () => {
  it("writes labelled blocks, aligned attributes, references, lists and objects", () => {
    const text = formatAlloy(
      [
        block("loki.source.docker", "containers", [
          attr("host", "unix:///var/run/docker.sock"),
          attr("forward_to", [ref("loki.write.default.receiver")]),
          attr("enabled", true),
          attr("batch_size", 3),
          block("filter", undefined, [attr("values", ["a=b"])]),
          attr("after_block", null),
        ]),
        block("stage.decolorize", undefined, []),
        block("stage.labels", undefined, [attr("values", { log_level: "log_level", "not-an-ident": "x" })]),
      ],
      ["Generated", ""],
    );
    expect(text).toBe(
      [
        "// Generated",
        "//",
        "",
        'loki.source.docker "containers" {',
        '  host       = "unix:///var/run/docker.sock"',
        "  forward_to = [loki.write.default.receiver]",
        "  enabled    = true",
        "  batch_size = 3",
        "",
        "  filter {",
        '    values = ["a=b"]',
        "  }",
        "",
        "  after_block = null",
        "}",
        "",
        "stage.decolorize {}",
        "",
        "stage.labels {",
        "  values = {",
        '    log_level      = "log_level",',
        '    "not-an-ident" = "x",',
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("breaks long lists over lines", () => {
    const values = Array.from({ length: 4 }, (_, i) => `__meta_docker_container_label_${i}`);
    expect(formatAlloy([attr("source_labels", values)])).toBe(["source_labels = [", ...values.map((v) => `  "${v}",`), "]", ""].join("\n"));
  });

  it("refuses what Alloy cannot read", () => {
    expect(() => attr("not-an-ident", 1)).toThrow(/not an identifier/);
    expect(() => block("stage.", undefined, [])).toThrow(/not an identifier/);
    expect(() => ref("just_one_part")).toThrow(/not a dotted identifier/);
    expect(() => ref('x.y"; evil')).toThrow(/not a dotted identifier/);
    expect(() => formatAlloy([attr("n", Number.NaN)])).toThrow(/no literal for the number NaN/);
  });
});

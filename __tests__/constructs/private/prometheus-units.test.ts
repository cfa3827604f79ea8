import { describe, expect, it } from "vitest";
import { formatPrometheusSize, parsePrometheusDuration } from "../../../constructs/private/prometheus-units.js";

describe("parsePrometheusDuration", () => {
  it.each([
    ["15d", 15 * 86400],
    ["4w", 28 * 86400],
    ["1y", 365 * 86400],
    ["1h30m", 5400],
    ["30s", 30],
    ["1d12h", 36 * 3600],
  ])("reads %s", (text, seconds) => expect(parsePrometheusDuration(text)).toBe(seconds));

  it.each(["", "0s", "15", "15 days", "1m1h", "-1d", "15D"])("rejects %j", (text) => expect(parsePrometheusDuration(text)).toBeUndefined());
});

describe("formatPrometheusSize", () => {
  it.each([
    [10 * 1024 ** 3, "10GB"],
    [512 * 1024 ** 2, "512MB"],
    [1.5 * 1024 ** 3, "1536MB"],
    [2 * 1024 ** 4, "2TB"],
    [1000, "1000B"],
  ])("writes %d bytes as %s", (bytes, text) => expect(formatPrometheusSize(bytes)).toBe(text));

  it("refuses what is not a positive whole number of bytes", () => {
    expect(() => formatPrometheusSize(0)).toThrow();
    expect(() => formatPrometheusSize(1.5)).toThrow();
  });
});

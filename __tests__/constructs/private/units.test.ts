import { describe, expect, it } from "vitest";
import { parseDuration, parseSize } from "../../../constructs/private/units.js";

describe("parseSize", () => {
  it.each([
    ["512", 512],
    ["256M", 256 * 1024 ** 2],
    ["256MB", 256 * 1024 ** 2],
    ["10G", 10 * 1024 ** 3],
    ["1.5GiB", 1.5 * 1024 ** 3],
    ["2t", 2 * 1024 ** 4],
    ["64k", 64 * 1024],
  ])("reads %s", (text, bytes) => expect(parseSize(text)).toBe(bytes));

  it.each(["", "G", "10 gigs", "-1G", "0", "1X", "1..5G"])("rejects %j", (text) => expect(parseSize(text)).toBeUndefined());
});

describe("parseDuration", () => {
  it.each([
    ["30s", 30],
    ["2m", 120],
    ["1h30m", 5400],
    ["1h0m10s", 3610],
  ])("reads %s", (text, seconds) => expect(parseDuration(text)).toBe(seconds));

  it.each(["", "0s", "30", "2 minutes", "1d", "5ms", "m"])("rejects %j", (text) => expect(parseDuration(text)).toBeUndefined());
});

import { describe, expect, it } from "vitest";
import { formatDuration } from "../../../src/config/format-duration.js";
import { parseDuration } from "../../../src/config/parse-units.js";

describe("formatDuration", () => {
  it.each([
    [500, "500ms"],
    [2000, "2s"],
    [1500, "1.5s"],
    [90_000, "90s"],
    [600_000, "10m"],
    [3_600_000, "1h"],
    [5_400_000, "1h30m"],
  ])("writes %d ms as %s, which reads back the same", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});

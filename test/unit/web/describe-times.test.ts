import { describe, expect, it } from "vitest";
import { describeDuration } from "../../../src/web/models/describe-duration.js";
import { describeTime } from "../../../src/web/models/describe-time.js";

describe("describeDuration", () => {
  it.each([
    [0, "0 ms"],
    [-40, "0 ms"],
    [850.4, "850 ms"],
    [999, "999 ms"],
    [1000, "1.0 s"],
    [4250, "4.2 s"],
    [9999, "9.9 s"],
    [10_000, "10 s"],
    [59_999, "59 s"],
    [60_000, "1 min"],
    [65_000, "1 min 5 s"],
    [3_600_000, "1 h"],
    [3_600_000 + 3 * 60_000 + 59_000, "1 h 3 min"],
    [26 * 3_600_000, "1 d 2 h"],
    [48 * 3_600_000, "2 d"],
  ])("%d ms reads %s", (ms, text) => {
    expect(describeDuration(ms)).toBe(text);
  });
});

describe("describeTime", () => {
  const now = new Date("2026-03-10T12:00:00.000Z");
  const ago = (ms: number) => describeTime(new Date(now.getTime() - ms), now).ago;

  it("says how long ago in the largest whole unit, and the date past a week", () => {
    expect(ago(0)).toBe("just now");
    expect(ago(-5000)).toBe("just now");
    expect(ago(12_500)).toBe("12 s ago");
    expect(ago(5 * 60_000 + 59_000)).toBe("5 min ago");
    expect(ago(3 * 3_600_000)).toBe("3 h ago");
    expect(ago(6 * 24 * 3_600_000)).toBe("6 d ago");
    expect(ago(7 * 24 * 3_600_000)).toBe("2026-03-03");
  });

  it("gives the exact moment in UTC and ISO 8601", () => {
    const at = describeTime(new Date("2026-03-01T08:00:05.120Z"), now);
    expect(at).toEqual({
      iso: "2026-03-01T08:00:05.120Z",
      exact: "2026-03-01 08:00:05 UTC",
      ago: "2026-03-01",
    });
  });
});

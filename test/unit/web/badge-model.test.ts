import { describe, expect, it } from "vitest";
import { badgeModel, badgeResult } from "../../../src/web/models/badge-model.js";

describe("badges", () => {
  it("show passed, failed and errored for those states, unknown for anything else", () => {
    expect(badgeResult("passed")).toBe("passed");
    expect(badgeResult("failed")).toBe("failed");
    expect(badgeResult("errored")).toBe("errored");
    expect(badgeResult("cancelled")).toBe("unknown");
    expect(badgeResult(undefined)).toBe("unknown");
  });

  it("size the two halves from their text and centre each text in its half", () => {
    const badge = badgeModel("web", "passed");
    expect(badge).toMatchObject({ label: "web", message: "passed", title: "web: passed" });
    expect(badge.width).toBe(badge.labelWidth + badge.messageWidth);
    expect(badge.labelX).toBe(badge.labelWidth * 5);
    expect(badge.messageX).toBe((badge.labelWidth + badge.messageWidth / 2) * 10);
    expect(badgeModel("a-much-longer-pipeline", "passed").labelWidth).toBeGreaterThan(
      badge.labelWidth,
    );
    expect(
      new Set(
        ["passed", "failed", "errored", "unknown"].map((r) => badgeModel("w", r as "passed").color),
      ).size,
    ).toBe(4);
  });
});

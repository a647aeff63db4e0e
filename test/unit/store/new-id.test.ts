import { describe, expect, it } from "vitest";
import { createIdGenerator, ID_PATTERN } from "../../../src/store/new-id.js";

describe("createIdGenerator", () => {
  it("makes ULIDs that sort in creation order, even within one millisecond", () => {
    const next = createIdGenerator();
    const ids = Array.from({ length: 1000 }, () => next(1_700_000_000_000));
    ids.push(next(1_700_000_000_001), next(1_699_999_999_999));
    expect(ids.every((id) => ID_PATTERN.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

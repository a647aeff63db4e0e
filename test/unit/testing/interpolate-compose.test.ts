import { describe, expect, it } from "vitest";
import { interpolate, interpolateCompose } from "../../../src/testing/interpolate-compose.js";
import { Problems } from "../../../src/testing/problems.js";

const vars = { SET: "value", EMPTY: "", IMAGE_NAME: "acme/web:v1" };

describe("Compose interpolation", () => {
  it.each([
    ["$SET and ${SET}", "value and value"],
    ["${SET}suffix $SET-x", "valuesuffix value-x"],
    ["${UNSET}|$UNSET|${EMPTY}", "||"],
    ["${UNSET:-default} ${EMPTY:-default} ${SET:-default}", "default default value"],
    ["${UNSET-default} ${EMPTY-default} ${SET-default}", "default  value"],
    ["${UNSET:+other}|${EMPTY:+other}|${SET:+other}", "||other"],
    ["${UNSET+other}|${EMPTY+other}|${SET+other}", "|other|other"],
    ["$$SET costs $$5 $$", "$SET costs $5 $"],
    ["${UNSET:-${SET}}", "value"],
    ["${UNSET:-${ALSO_UNSET:-deep}}", "deep"],
    ["${UNSET:-a $$literal}", "a $literal"],
    ["${UNSET:-}", ""],
    ["no variables at all", "no variables at all"],
  ])("%s → %s", (text, expected) => {
    expect(interpolate(text, vars)).toBe(expected);
  });

  it("fails a required variable with its message, unset or (with :?) empty", () => {
    expect(() => interpolate("${UNSET:?set it in test.env}", vars)).toThrow(
      "required variable UNSET is missing a value: set it in test.env",
    );
    expect(() => interpolate("${EMPTY:?must not be empty}", vars)).toThrow(
      "required variable EMPTY is missing a value: must not be empty",
    );
    expect(() => interpolate("${UNSET?}", vars)).toThrow(
      "required variable UNSET is missing a value",
    );
    expect(interpolate("${EMPTY?unused}", vars)).toBe("");
    expect(interpolate("${SET:?unused}", vars)).toBe("value");
  });

  it.each([
    ["a lone $ sign", "a $ must be followed by a name or {"],
    ["$1", "a $ must be followed by a name or {"],
    ["${", "is never closed"],
    ["${SET", "is never closed"],
    ["${}", "${} is not a variable"],
    ["${1X}", "${1X} is not a variable"],
    ["${SET:x}", "${SET:x} is not a variable"],
  ])("refuses %s", (text, message) => {
    expect(() => interpolate(text, vars)).toThrow(message);
  });

  it("never reads the process's environment", () => {
    process.env.PUSHGATE_SECRET_FOR_TEST = "leaked";
    try {
      expect(interpolate("[${PUSHGATE_SECRET_FOR_TEST}]", {})).toBe("[]");
    } finally {
      delete process.env.PUSHGATE_SECRET_FOR_TEST;
    }
  });

  it("interpolates values at any depth, never keys nor x- extensions, naming each problem's path", () => {
    const problems = new Problems();
    const value = interpolateCompose(
      {
        services: { sut: { image: "$IMAGE_NAME", command: ["echo", "${SET}"], "${SET}": 1 } },
        "x-anchors": { note: "$ not interpolated" },
        count: 3,
        broken: ["fine", "${UNSET:?needed}"],
      },
      vars,
      problems,
    );
    expect(value).toEqual({
      services: { sut: { image: "acme/web:v1", command: ["echo", "value"], "${SET}": 1 } },
      "x-anchors": { note: "$ not interpolated" },
      count: 3,
      broken: ["fine", "${UNSET:?needed}"],
    });
    expect(problems.list).toEqual([
      "broken[1]: required variable UNSET is missing a value: needed",
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { interpolateEnv } from "../../../src/config/interpolate-env.js";
import { parseDuration, parseSize } from "../../../src/config/parse-units.js";

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["10m", 600_000],
    ["1h30m", 5_400_000],
    ["1.5s", 1500],
    ["90", 90_000],
    [5, 5000],
    ["30d", 30 * 86_400_000],
  ])("%j is %i ms", (input, ms) => expect(parseDuration(input)).toBe(ms));

  it.each(["", "soon", "10 minutes", "-5s", "5w", "m"])("refuses %j", (input) =>
    expect(parseDuration(input)).toBeUndefined(),
  );
});

describe("parseSize", () => {
  it.each([
    ["512m", 512 * 1024 ** 2],
    ["1g", 1024 ** 3],
    ["64MiB", 64 * 1024 ** 2],
    ["100k", 102_400],
    ["4096", 4096],
    [1024, 1024],
  ])("%j is %i bytes", (input, bytes) => expect(parseSize(input)).toBe(bytes));

  it.each(["", "lots", "1t", "-1m", 1.5])("refuses %j", (input) =>
    expect(parseSize(input)).toBeUndefined(),
  );
});

describe("interpolateEnv", () => {
  it("replaces variables, defaults and $$ in nested strings only", () => {
    const { value, problems } = interpolateEnv(
      { a: "${A}", b: ["x-${B:-dflt}-y", 3, true], c: { d: "$${A}" } },
      { A: "alpha" },
    );
    expect(problems).toEqual([]);
    expect(value).toEqual({ a: "alpha", b: ["x-dflt-y", 3, true], c: { d: "${A}" } });
  });

  it("treats an empty variable as unset", () => {
    const { value, problems } = interpolateEnv({ a: "${A:-fallback}", b: "${A}" }, { A: "" });
    expect(value).toEqual({ a: "fallback", b: "" });
    expect(problems).toEqual([{ path: "b", message: "environment variable A is not set" }]);
  });
});

import { describe, expect, it } from "vitest";
import {
  isValidDigest,
  isValidRegistryHost,
  isValidRepository,
  isValidTag,
} from "../../../src/sources/reference-grammar.js";

describe("Docker reference grammar", () => {
  it.each([
    "busybox",
    "acme/web",
    "a/b/c",
    "my-org/web_app",
    "a__b/c.d",
    "a--b",
    "x0/y-1.z_2",
    "library/busybox",
  ])("accepts repository %j", (name) => expect(isValidRepository(name)).toBe(true));

  it.each([
    "",
    "../x",
    "x/..",
    "/abs",
    "trailing/",
    "Upper/case",
    "a;rm -rf",
    "a b",
    "a___b",
    "-lead",
    "trail-",
    "a.-b",
    "a/.b",
    "a".repeat(256),
    "host:5000/x",
  ])("refuses repository %j", (name) => expect(isValidRepository(name)).toBe(false));

  it("accepts a repository of exactly 255 characters", () => {
    expect(isValidRepository("a".repeat(255))).toBe(true);
  });

  it.each(["latest", "v1.2.3", "1", "_x", "A-b_c.D", "x".repeat(128)])("accepts tag %j", (tag) =>
    expect(isValidTag(tag)).toBe(true),
  );

  it.each(["", "-x", ".x", "x".repeat(129), "a/b", "a:b", "a b", "a;b", "ä"])(
    "refuses tag %j",
    (tag) => expect(isValidTag(tag)).toBe(false),
  );

  it("accepts sha256 digests only with 64 lowercase hex digits", () => {
    expect(isValidDigest(`sha256:${"a".repeat(64)}`)).toBe(true);
    expect(isValidDigest(`sha256:${"A".repeat(64)}`)).toBe(false);
    expect(isValidDigest(`sha256:${"a".repeat(63)}`)).toBe(false);
    expect(isValidDigest("sha256:../../etc")).toBe(false);
  });

  it.each(["docker.io", "127.0.0.1:5000", "registry.example.com", "localhost:443", "[::1]:5000"])(
    "accepts registry host %j",
    (host) => expect(isValidRegistryHost(host)).toBe(true),
  );

  it.each(["", "http://x", "a/b", "-x.com", "x:99999", "x y"])("refuses registry host %j", (host) =>
    expect(isValidRegistryHost(host)).toBe(false),
  );
});

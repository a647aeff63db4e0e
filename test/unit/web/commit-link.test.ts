import { describe, expect, it } from "vitest";
import { commitLink } from "../../../src/web/models/commit-link.js";

const REV = "0123456789abcdef0123456789abcdef01234567";

describe("commitLink", () => {
  it.each([
    ["https://github.com/acme/web", `https://github.com/acme/web/commit/${REV}`],
    ["https://github.com/acme/web.git", `https://github.com/acme/web/commit/${REV}`],
    ["git@github.com:acme/web.git", `https://github.com/acme/web/commit/${REV}`],
    ["ssh://git@github.com/acme/web.git", `https://github.com/acme/web/commit/${REV}`],
    ["git+https://github.com/acme/web.git", `https://github.com/acme/web/commit/${REV}`],
    ["https://gitlab.com/acme/group/web", `https://gitlab.com/acme/group/web/-/commit/${REV}`],
    ["git@gitlab.example.com:ops/web.git", `https://gitlab.example.com/ops/web/-/commit/${REV}`],
  ])("links %s to its commit page", (url, link) => {
    expect(commitLink(url, REV)).toBe(link);
  });

  it.each([
    ["https://bitbucket.org/acme/web", REV],
    ["https://github.com/acme/web", "main"],
    ["https://github.com/acme/web", "v1.2.3"],
    ["javascript:alert(1)//github.com/acme/web", REV],
    ["https://github.com/", REV],
    ["not a url", REV],
    ['https://github.com/acme/web"onmouseover="x', REV],
  ])("gives no link for %s at %s", (url, revision) => {
    expect(commitLink(url, revision)).toBeUndefined();
  });
});

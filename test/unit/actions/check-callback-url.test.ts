import { describe, expect, it } from "vitest";
import { checkCallbackUrl, parseAllowedHost } from "../../../src/actions/check-callback-url.js";

const ALLOWED = ["registry.hub.docker.com", "hooks.example:8443", "http://127.0.0.1:5555"];

describe("checkCallbackUrl", () => {
  it.each([
    "https://registry.hub.docker.com/u/acme/web/hook/2141b5bi5i5b02bec211i4eeih0242eg11000a/",
    "https://REGISTRY.hub.docker.com/u/x/",
    "https://registry.hub.docker.com:443/u/x/",
    "https://hooks.example:8443/cb",
    "http://127.0.0.1:5555/callback",
  ])("allows %s", (url) => {
    expect(checkCallbackUrl(url, ALLOWED).allowed).toBe(true);
  });

  it.each([
    ["http://registry.hub.docker.com/u/x/", "not in callbacks.allowedHosts"],
    ["https://registry.hub.docker.com:8443/u/x/", "not in callbacks.allowedHosts"],
    ["https://hooks.example/cb", "not in callbacks.allowedHosts"],
    ["https://127.0.0.1:5555/callback", "not in callbacks.allowedHosts"],
    ["http://127.0.0.1:5556/callback", "not in callbacks.allowedHosts"],
    ["http://169.254.169.254/latest/meta-data/", "not in callbacks.allowedHosts"],
    ["https://registry.hub.docker.com.evil.example/x", "not in callbacks.allowedHosts"],
    ["https://registry.hub.docker.com@evil.example/x", "carries credentials"],
    ["not a url", "not a URL"],
  ])("refuses %s", (url, reason) => {
    const check = checkCallbackUrl(url, ALLOWED);
    expect(check.allowed).toBe(false);
    expect(check.allowed ? "" : check.reason).toContain(reason);
  });

  it("refuses everything when nothing is allowed", () => {
    expect(checkCallbackUrl("https://registry.hub.docker.com/x", []).allowed).toBe(false);
  });
});

describe("parseAllowedHost", () => {
  it("reads host, host:port and scheme://host:port", () => {
    expect(parseAllowedHost("registry.hub.docker.com")).toEqual({
      protocol: "https:",
      hostname: "registry.hub.docker.com",
      port: "",
    });
    expect(parseAllowedHost("http://127.0.0.1:5555")).toEqual({
      protocol: "http:",
      hostname: "127.0.0.1",
      port: "5555",
    });
  });

  it.each(["host/path", "https://host/path", "ftp://host", "user@host", "https://host?x=1", ""])(
    "rejects %s",
    (entry) => expect(parseAllowedHost(entry)).toBeUndefined(),
  );
});

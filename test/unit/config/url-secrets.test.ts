import { describe, expect, it } from "vitest";
import { isTokenLike, urlSecretsOf } from "../../../src/config/url-secrets.js";
import { redactSecrets } from "../../../src/observability/redact-secrets.js";

describe("urlSecretsOf", () => {
  it("a hook with a secret in its path and query: path, query, both, the token-like segment and the key", () => {
    expect(urlSecretsOf("https://hooks.example/hooks/T0pS3cret?key=abcd").sort()).toEqual(
      ["/hooks/T0pS3cret", "/hooks/T0pS3cret?key=abcd", "T0pS3cret", "abcd", "key=abcd"].sort(),
    );
  });

  it("a Slack incoming webhook and a Portainer service webhook", () => {
    expect(
      urlSecretsOf("https://hooks.slack.com/services/T0123ABCD/B0123ABCD/xoxbSecretValue123"),
    ).toEqual(
      expect.arrayContaining([
        "T0123ABCD",
        "B0123ABCD",
        "xoxbSecretValue123",
        "/services/T0123ABCD/B0123ABCD/xoxbSecretValue123",
      ]),
    );
    expect(
      urlSecretsOf("https://portainer:9443/api/webhooks/638e6967-ef77-4906-8af8-236800621360"),
    ).toEqual(
      expect.arrayContaining([
        "638e6967-ef77-4906-8af8-236800621360",
        "/api/webhooks/638e6967-ef77-4906-8af8-236800621360",
      ]),
    );
  });

  it.each([
    ["no path", "http://watchtower:8080"],
    ["a bare slash", "http://watchtower:8080/"],
    ["plain words", "https://hooks.example/api/redeploy/services"],
    ["a placeholder", "https://hooks.example/deploy/{{tag}}"],
    ["not a URL", "hooks.example/x"],
  ])("nothing for %s", (_what, url) => expect(urlSecretsOf(url)).toEqual([]));

  it("leaves out parts holding a placeholder, keeps the rest", () => {
    expect(urlSecretsOf("https://hooks.example/h/Abc123xyz9/{{tag}}?tag={{tag}}")).toEqual([
      "Abc123xyz9",
    ]);
  });

  it("a credential in the URL, and a percent-encoded segment in both its forms", () => {
    expect(urlSecretsOf("https://bot:hunter2-pass@hooks.example/x%20Secret99/")).toEqual(
      expect.arrayContaining(["hunter2-pass", "x%20Secret99", "x Secret99"]),
    );
  });

  it("masks what a receiver echoes without the origin", () => {
    const url = "https://hooks.example/hooks/T0pS3cret?key=abcd";
    const secrets = [url, ...urlSecretsOf(url)].sort((a, b) => b.length - a.length);
    const echoed = "HTTP 404: no such hook: /hooks/T0pS3cret?key=abcd (token T0pS3cret, key=abcd)";
    const masked = redactSecrets(echoed, secrets);
    expect(masked).not.toMatch(/T0pS3cret|abcd/);
    expect(masked).toBe("HTTP 404: no such hook: [REDACTED] (token [REDACTED], [REDACTED])");
  });
});

describe("isTokenLike", () => {
  it.each([
    ["T0pS3cret", true],
    ["slack-secret", true],
    ["abcdefghijklmnop", true],
    ["services", false],
    ["webhooks", false],
    ["abc1234", false],
    ["{{runId}}-abcdef", false],
  ])("%s → %s", (text, expected) => expect(isTokenLike(text)).toBe(expected));
});

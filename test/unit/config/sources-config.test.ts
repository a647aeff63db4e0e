import { describe, expect, it } from "vitest";
import { collectSecrets } from "../../../src/config/collect-secrets.js";
import { parseConfig } from "../../../src/config/load-config.js";
import { maskPath } from "../../../src/http/middleware/log-requests.js";
import { compileRegistryResolver } from "../../../src/pipeline/resolve-registry.js";
import { AUTH, problemsOf } from "../../support/config-problems.js";

describe("registries[].aliases", () => {
  const config = parseConfig(
    `${AUTH}registries:
  - { host: "127.0.0.1:5000", aliases: ["registry:5000", "Registry.Local:5000"], insecure: true }
  - { host: docker.io }
`,
    {},
  );
  const resolve = compileRegistryResolver(config.registries);

  it("defaults to none", () => {
    expect(config.registries[1]?.aliases).toEqual([]);
  });

  it("puts a push announced under an alias under the configured host, case-insensitively", () => {
    expect(resolve("registry:5000")).toBe("127.0.0.1:5000");
    expect(resolve("REGISTRY.local:5000")).toBe("127.0.0.1:5000");
    expect(resolve("127.0.0.1:5000")).toBe("127.0.0.1:5000");
  });

  it("leaves other hosts as reported, in lower case", () => {
    expect(resolve("Quay.IO")).toBe("quay.io");
    expect(resolve("docker.io")).toBe("docker.io");
  });

  it("refuses an alias that is not a registry host", () => {
    expect(problemsOf(`${AUTH}registries: [{ host: a.io, aliases: ["http://b"] }]`)).toEqual([
      "registries[0].aliases[0]: must be a registry host such as registry.example.com:5000",
    ]);
  });

  it("refuses a name that would belong to two registries", () => {
    expect(
      problemsOf(`${AUTH}registries:
  - { host: a.io, aliases: [shared:5000] }
  - { host: b.io, aliases: [SHARED:5000] }
`),
    ).toEqual(["registries: alias SHARED:5000 of registries[1] already names registries[0]"]);
    expect(
      problemsOf(`${AUTH}registries: [{ host: a.io }, { host: b.io, aliases: [a.io] }]`),
    ).toEqual(["registries: alias a.io of registries[1] already names registries[0]"]);
  });
});

describe("auth.githubWebhookSecret", () => {
  it("is optional, one secret or several while rotating", () => {
    expect(parseConfig(AUTH, {}).auth.githubWebhookSecrets).toEqual([]);
    const one = parseConfig(
      "auth: { webhookTokens: [hook-token-1], apiToken: api-token-1, githubWebhookSecret: gh-secret-1 }",
      {},
    );
    expect(one.auth.githubWebhookSecrets).toEqual(["gh-secret-1"]);
    const two = parseConfig(
      "auth: { webhookTokens: [hook-token-1], apiToken: api-token-1, githubWebhookSecret: [gh-secret-1, gh-secret-2] }",
      {},
    );
    expect(two.auth.githubWebhookSecrets).toEqual(["gh-secret-1", "gh-secret-2"]);
  });

  it("is kept out of logs", () => {
    const config = parseConfig(
      'auth: { webhookTokens: [hook-token-1], apiToken: api-token-1, githubWebhookSecret: "${GH}" }',
      { GH: "It's a Secret to Everybody" },
    );
    expect(collectSecrets(config)).toContain("It's a Secret to Everybody");
  });

  it("refuses a short secret", () => {
    expect(
      problemsOf(
        "auth: { webhookTokens: [hook-token-1], apiToken: api-token-1, githubWebhookSecret: short }",
      )[0],
    ).toBe("auth.githubWebhookSecret: must be at least 8 characters");
  });
});

describe("maskPath on the new webhook routes", () => {
  it.each([
    ["/acr-webhook/abc123/notify", "/acr-webhook/***/notify"],
    ["/harbor-webhook/abc123/notify", "/harbor-webhook/***/notify"],
    ["/quay-webhook/abc123/notify?x=1", "/quay-webhook/***/notify?x=1"],
    ["/dockerregistry-webhook/notify", "/dockerregistry-webhook/notify"],
    ["/harbor-webhook?token=abc", "/harbor-webhook?token=***"],
  ])("%s → %s", (path, masked) => expect(maskPath(path)).toBe(masked));
});

import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { collectSecrets } from "../../../src/config/collect-secrets.js";
import { parseConfig } from "../../../src/config/load-config.js";
import { createLogger } from "../../../src/observability/logger.js";
import { maskPath } from "../../../src/http/middleware/log-requests.js";

function capture(secrets: string[]) {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on("data", (chunk: Buffer) => lines.push(...chunk.toString().split("\n").filter(Boolean)));
  return { logger: createLogger({ level: "debug", secrets, stream }), lines };
}

describe("logger", () => {
  it("writes one JSON object per line with level and message", async () => {
    const { logger, lines } = capture([]);
    logger.info("hello", { runId: "r1" });
    await new Promise((r) => setImmediate(r));
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({
      level: "info",
      message: "hello",
      runId: "r1",
    });
  });

  it("redacts secrets wherever they appear: fields, messages, URLs, JSON escapes", async () => {
    const secret = 's3cr3t"tok/en';
    const { logger, lines } = capture([secret]);
    logger.info(`calling with ${secret}`, {
      url: `https://x/?t=${encodeURIComponent(secret)}`,
      nested: { header: `Bearer ${secret}` },
    });
    await new Promise((r) => setImmediate(r));
    expect(lines.join("\n")).not.toContain("s3cr3t");
    expect(lines[0]).toContain("[REDACTED]");
  });
});

describe("collectSecrets", () => {
  it("finds tokens, passwords, secret-named settings and notification URLs", () => {
    const config = parseConfig(
      `auth: { webhookTokens: [hook-token-1, hook-token-2], apiToken: api-token-1 }
jenkins: { url: "http://j", user: u, password: jenkins-pass }
registries: [{ host: docker.io, username: bot, password: hub-pass }]
pipelines:
  - name: web
    match: { repository: acme/web }
    test: { env: { DB_PASSWORD: db-pass, MODE: test } }
    on:
      success:
        - redeploy: { url: "https://x/hook", headers: { Authorization: "Bearer redeploy-tok" } }
        - slack: { url: "https://hooks.slack.com/services/T0/B0/slack-secret" }
`,
      {},
    );
    expect(collectSecrets(config).sort()).toEqual(
      [
        "Bearer redeploy-tok",
        "api-token-1",
        "db-pass",
        "hook-token-1",
        "hook-token-2",
        "hub-pass",
        "https://hooks.slack.com/services/T0/B0/slack-secret",
        "jenkins-pass",
      ].sort(),
    );
  });
});

describe("maskPath", () => {
  it.each([
    ["/dockerhub-webhook/abc123/notify", "/dockerhub-webhook/***/notify"],
    ["/dockerhub-webhook/abc123", "/dockerhub-webhook/***"],
    ["/dockerhub-webhook/?token=abc&x=1", "/dockerhub-webhook/?token=***&x=1"],
    ["/dockerregistry-webhook/abc/notify", "/dockerregistry-webhook/***/notify"],
    ["/dockerhub-webhook/notify", "/dockerhub-webhook/notify"],
    ["/api/runs?limit=2", "/api/runs?limit=2"],
  ])("%s → %s", (path, masked) => expect(maskPath(path)).toBe(masked));
});

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

  it("writes only lines at or above its level", async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    stream.on("data", (chunk: Buffer) =>
      lines.push(...chunk.toString().split("\n").filter(Boolean)),
    );
    const logger = createLogger({ level: "warn", secrets: [], stream });
    logger.debug("debug line");
    logger.info("info line");
    logger.warn("warn line");
    logger.error("error line");
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual([
      "warn line",
      "error line",
    ]);
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
  it("finds tokens, passwords, secret-named settings, every action URL and its secret parts", () => {
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
        - jenkins: { job: deploy/web, parameters: { TARGET: prod, DEPLOY_TOKEN: deploy-tok } }
        - redeploy: { url: "https://x/hook", headers: { Authorization: "Bearer redeploy-tok" } }
        - redeploy: { preset: watchtower, url: "http://watchtower:8080", token: wt-token }
        - slack: { url: "https://hooks.slack.com/services/T0/B0/slack-secret" }
      failure:
        - webhook: { url: "https://notify.example/in/abc", headers: { X-Api-Key: key-123 } }
`,
      {},
    );
    expect(collectSecrets(config).sort()).toEqual(
      [
        "Bearer redeploy-tok",
        "api-token-1",
        "db-pass",
        "deploy-tok",
        "hook-token-1",
        "hook-token-2",
        "http://watchtower:8080",
        "https://hooks.slack.com/services/T0/B0/slack-secret",
        "/services/T0/B0/slack-secret",
        "slack-secret",
        "https://notify.example/in/abc",
        "https://x/hook",
        "hub-pass",
        "jenkins-pass",
        "key-123",
        "wt-token",
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
    ["/dockerhub-webhook?%74oken=abc&x=1", "/dockerhub-webhook?%74oken=***&x=1"],
    ["/dockerhub-webhook?x=1&amp;token=abc", "/dockerhub-webhook?x=1&amp;token=***"],
    ["/dockerhub-webhook?TOKEN=abc&token=def", "/dockerhub-webhook?TOKEN=***&token=***"],
    ["/dockerhub-webhook//abc%31/notify", "/dockerhub-webhook//***/notify"],
    ["/dockerhub-webhook/abc/x/y", "/dockerhub-webhook/***/***/***"],
    ["/Dockerhub-Webhook/abc/NOTIFY", "/Dockerhub-Webhook/***/NOTIFY"],
    ["/dockerhub%2Dwebhook/abc/notify", "/dockerhub%2Dwebhook/***/notify"],
    ["/dockerhub-webhook/%E0%A4%A/notify", "/dockerhub-webhook/***/notify"],
  ])("%s → %s", (path, masked) => expect(maskPath(path)).toBe(masked));
});

import { createHmac, randomBytes } from "node:crypto";
import type { Express } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestImage } from "../support/build-test-image.js";
import { fixtureBytes } from "../support/fixtures.js";
import { sharedRegistry } from "../support/registry.js";
import { JENKINS_PARAMETER_NAMES } from "../../src/actions/jenkins-parameters-of.js";
import { getJson, sendFrom } from "../support/http.js";
import { startHttpReceiver, type HttpReceiver } from "../support/http-receiver.js";
import { startJenkinsStandin, type JenkinsStandin } from "../support/jenkins-standin.js";
import { pushToHub, waitForRun } from "../support/runs.js";
import { spawnPushgate } from "../support/spawn-pushgate.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";
import {
  API_TOKEN,
  OTHER_WEBHOOK_TOKEN,
  WEBHOOK_TOKEN,
  tempDir,
  testConfigYaml,
} from "../support/test-config.js";

// Configured secrets never reach a log line or an API answer; /api never answers without
// the API token.
const ns = `secrets-${randomBytes(4).toString("hex")}`;
const random = (prefix: string) => `${prefix}-${randomBytes(12).toString("hex")}`;
const SECRETS = {
  GITHUB_SECRET: random("gh-secret"),
  REGISTRY_PASSWORD: random("registry-pass"),
  JENKINS_TOKEN: random("jenkins-token"),
  DB_PASSWORD: random("db-pass"),
  HOOK_TOKEN: random("hook-auth"),
  SLACK_URL: "", // set once the receiver standing in for Slack listens
};
const allSecrets = () => [WEBHOOK_TOKEN, OTHER_WEBHOOK_TOKEN, API_TOKEN, ...Object.values(SECRETS)];
let jenkins: JenkinsStandin;
let hooks: HttpReceiver;

beforeAll(async () => {
  [jenkins, hooks] = await Promise.all([
    startJenkinsStandin({
      users: { pushgate: { token: SECRETS.JENKINS_TOKEN } },
      jobs: { "deploy/web": { parameters: [...JENKINS_PARAMETER_NAMES] } },
    }),
    startHttpReceiver(),
    buildTestImage({
      reference: `${sharedRegistry()}/${ns}/leaky:v1`,
      lines: ['CMD ["sh", "-c", "echo connecting with $DB_PASSWORD; echo token=$DB_PASSWORD >&2"]'],
    }),
  ]);
  SECRETS.SLACK_URL = `${hooks.url}/services/T000/B000/${random("slack")}`;
}, 120_000);
afterAll(() => Promise.all([jenkins.close(), hooks.close()]));

/** Every way a secret can show up in a line: raw, inside JSON, in a URL. */
function leaks(text: string): string[] {
  return allSecrets().filter((secret) =>
    [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)].some((form) =>
      text.includes(form),
    ),
  );
}

describe("a realistic session of a pushgate process", () => {
  it("writes no configured secret to any log line, and answers none through the API", async () => {
    const dir = tempDir();
    const yaml = testConfigYaml(
      dir,
      `registries:
  - { host: docker.io, mirror: "${sharedRegistry()}", username: bot, password: "\${REGISTRY_PASSWORD}" }
jenkins: { url: "${jenkins.url}", user: pushgate, token: "\${JENKINS_TOKEN}" }
pipelines:
  - name: leaky
    match: { repository: "${ns}/*" }
    test: { env: { DB_PASSWORD: "\${DB_PASSWORD}" }, timeout: 30s }
    on:
      success:
        - jenkins: { job: deploy/web }
        - webhook: { url: "${hooks.url}/hook", headers: { Authorization: "Bearer \${HOOK_TOKEN}" } }
        - slack: { url: "\${SLACK_URL}" }
        - webhook: { url: "${hooks.url}/refuses" }
`,
      `githubWebhookSecret: "\${GITHUB_SECRET}"`,
    );
    const pushgate = await spawnPushgate(dir, yaml, SECRETS);
    /** What pushgate answered (headers and body), by the path asked. */
    const answers: { path: string; answer: string }[] = [];
    const call = async (path: string, init: RequestInit = {}) => {
      const response = await fetch(`${pushgate.url}${path}`, init);
      const text = await response.text();
      answers.push({ path, answer: `${JSON.stringify([...response.headers])} ${text}` });
      return { status: response.status, text };
    };
    const json = { "content-type": "application/json" };
    const hub = (tag: string) =>
      JSON.stringify({
        push_data: { tag, pushed_at: 1_700_000_000, pusher: "ci" },
        repository: { repo_name: `${ns}/leaky` },
      });
    try {
      // Webhooks: the token in the path, the query, a Bearer header; wrong tokens too.
      const queued = await call(`/dockerhub-webhook/${WEBHOOK_TOKEN}/notify`, {
        method: "POST",
        headers: json,
        body: hub("v1"),
      });
      expect(queued.status).toBe(202);
      const runId = (JSON.parse(queued.text) as { runs: string[] }).runs[0] ?? "";
      await call(`/dockerhub-webhook?token=${OTHER_WEBHOOK_TOKEN}`, {
        method: "POST",
        headers: json,
        body: hub("v2"),
      });
      await call("/dockerhub-webhook/notify", {
        method: "POST",
        headers: { ...json, authorization: `Bearer ${WEBHOOK_TOKEN}` },
        body: hub("v3"),
      });
      for (const wrong of [API_TOKEN, SECRETS.GITHUB_SECRET, `${WEBHOOK_TOKEN}x`]) {
        const refused = await call(`/dockerhub-webhook/${wrong}/notify`, {
          method: "POST",
          headers: json,
          body: hub("v4"),
        });
        expect(refused.status).toBe(403);
      }
      const body = fixtureBytes("ghcr-keel-captured.json");
      const signature = createHmac("sha256", SECRETS.GITHUB_SECRET).update(body).digest("hex");
      const ghcr = await call("/ghcr-webhook", {
        method: "POST",
        headers: {
          ...json,
          "x-github-event": "package",
          "x-hub-signature-256": `sha256=${signature}`,
        },
        body,
      });
      expect(ghcr.status).toBe(200); // signed and parsed; no pipeline takes ghcr.io images

      // The run pulls with the registry's credentials, prints the test's secret, then its
      // actions authenticate to Jenkins and to the hook, post to Slack; one is refused.
      hooks.answerNext(200, 200, 401);
      expect(await waitForRun(pushgate.url, runId)).toMatchObject({ state: "passed" });
      expect(jenkins.triggers.map((t) => t.job)).toEqual(["deploy/web"]);
      expect(hooks.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
        ["/hook", `Bearer ${SECRETS.HOOK_TOKEN}`],
        [new URL(SECRETS.SLACK_URL).pathname, undefined],
        ["/refuses", undefined],
      ]);
      const auth = { authorization: `Bearer ${API_TOKEN}` };
      const log = await call(`/api/runs/${runId}/log`, { headers: auth });
      expect(log.text.split("\n").sort()).toEqual(
        ["", "connecting with [REDACTED]", "token=[REDACTED]"].sort(),
      );
      await call(`/api/runs/${runId}/log?format=json`, { headers: auth });
      await call(`/api/runs/${runId}/log?follow=1`, { headers: auth });
      await call(`/api/runs/${runId}`, { headers: auth });
      await call("/api/runs?limit=200", { headers: auth });
      await call(`/api/runs/${runId}/retry`, { method: "POST", headers: auth });
      await call(`/api/runs/${runId}/cancel`, { method: "POST", headers: auth });
      for (const wrong of [WEBHOOK_TOKEN, SECRETS.JENKINS_TOKEN, `${API_TOKEN}x`]) {
        const refused = await call("/api/runs", { headers: { authorization: `Bearer ${wrong}` } });
        expect(refused.status).toBe(403);
      }
      await call("/api/runs", { headers: { authorization: API_TOKEN } });
      await call("/metrics");
      await call("/readyz");
      await call("/healthz");
    } finally {
      expect(await pushgate.kill("SIGTERM")).toBe(0);
    }

    expect(pushgate.output.length).toBeGreaterThan(20);
    const leakingLines = pushgate.output.filter((line) => leaks(line).length > 0);
    expect(leakingLines).toEqual([]);
    expect(answers.length).toBeGreaterThan(15);
    expect(answers.filter(({ answer }) => leaks(answer).length > 0)).toEqual([]);
  });
});

describe("every /api route", () => {
  let pushgate: TestPushgate;
  beforeAll(async () => {
    pushgate = await startTestPushgate(
      `pipelines: [{ name: web, match: { repository: "acme/*" } }]`,
    );
  });
  afterAll(() => pushgate.stop());

  /** Method and path of each route the app serves under /api, read from Express itself. */
  function apiRoutesOf(app: Express): [string, string][] {
    type Layer = {
      route?: { path: string | string[]; methods: Record<string, boolean> };
      handle?: { stack?: Layer[] };
    };
    const found: [string, string][] = [];
    const visit = (layers: readonly Layer[]): void => {
      for (const layer of layers) {
        const paths = [layer.route?.path ?? []].flat().filter((p) => p.startsWith("/api"));
        for (const path of paths) {
          for (const method of Object.keys(layer.route?.methods ?? {})) {
            found.push([method.toUpperCase(), path]);
          }
        }
        if (layer.handle?.stack) visit(layer.handle.stack);
      }
    };
    visit((app as unknown as { router: { stack: Layer[] } }).router.stack);
    return found;
  }

  it("answers 401 without a token and 403 with a wrong one, and changes nothing", async () => {
    const app = pushgate.server.listeners("request")[0] as Express;
    const routes = apiRoutesOf(app);
    expect(routes).toEqual(
      expect.arrayContaining([
        ["GET", "/api/runs"],
        ["GET", "/api/runs/:id"],
        ["GET", "/api/runs/:id/log"],
        ["POST", "/api/runs/:id/cancel"],
        ["POST", "/api/runs/:id/retry"],
        ["GET", "/api/queue"],
        ["POST", "/api/queue/pause"],
        ["POST", "/api/queue/resume"],
      ]),
    );
    const [runId = ""] = await pushToHub(pushgate.url, "acme/web", "v1");
    const paths = [
      ...routes.map(([method, path]) => [method, path.replace(":id", runId)] as const),
      ["GET", `/api/runs/${runId}/log?follow=1`] as const,
      ["GET", "/api/not-a-route"] as const,
      ["DELETE", "/api/runs"] as const,
    ];
    // Each path from an address of its own: 20 wrong tokens from one address within a minute
    // would get 429 instead (token-guessing.test.ts).
    for (const [i, [method, path]] of paths.entries()) {
      for (const [authorization, expected] of [
        [undefined, 401],
        [`Bearer ${WEBHOOK_TOKEN}`, 403],
        ["Bearer wrong-token-1234", 403],
        [`Basic ${Buffer.from(`x:${API_TOKEN}`).toString("base64")}`, 401],
      ] as const) {
        const response = await sendFrom(`${pushgate.url}${path}`, {
          from: `127.0.1.${i + 1}`,
          method,
          headers: authorization ? { authorization } : {},
        });
        expect([method, path, authorization, response.status]).toEqual([
          method,
          path,
          authorization,
          expected,
        ]);
        expect(response.body).not.toContain(runId);
      }
    }
    const { json } = await getJson(`${pushgate.url}/api/runs`, API_TOKEN);
    expect((json.runs as { id: string; state: string }[]).map((r) => [r.id, r.state])).toEqual([
      [runId, "queued"],
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startActionHarness, type ActionHarness } from "../support/action-harness.js";
import { getJson } from "../support/http.js";
import { startHttpReceiver, type HttpReceiver } from "../support/http-receiver.js";
import { startJenkinsStandin, type JenkinsStandin } from "../support/jenkins-standin.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";
import { API_TOKEN } from "../support/test-config.js";

let jenkins: JenkinsStandin;
let hook: HttpReceiver;
let pushgate: TestPushgate;
let harness: ActionHarness;

beforeAll(async () => {
  [jenkins, hook] = await Promise.all([
    startJenkinsStandin({ users: { pushgate: { token: "jenkins-api-token" } }, jobs: {} }),
    startHttpReceiver(),
  ]);
  const rest = `
jenkins: { url: "${jenkins.url}", user: pushgate, token: jenkins-api-token }
actions: { attempts: 2, backoff: 10ms }
pipelines:
  - name: web
    match: { repository: acme/web }
    on:
      success:
        - jenkins: { job: deploy/web }
        - webhook: { url: "${hook.url}/in/s3cret-hook-path" }
`;
  pushgate = await startTestPushgate(rest);
  harness = startActionHarness(rest, pushgate.dir);
});
afterAll(async () => {
  await harness.close();
  await pushgate.stop();
  await Promise.all([jenkins.close(), hook.close()]);
});

describe("GET /api/runs/:id", () => {
  it("shows each action with its calls, state, error and result, and no secret", async () => {
    const outcome = await harness.outcome({ verdict: "passed" });
    hook.answerNext(503);
    await harness.perform(outcome, new AbortController().signal);

    const { status, json } = await getJson(`${pushgate.url}/api/runs/${outcome.run.id}`, API_TOKEN);
    expect(status).toBe(200);
    const actions = json.actions as Record<string, unknown>[];
    expect(actions).toMatchObject([
      {
        id: "success.0",
        kind: "jenkins",
        target: "deploy/web",
        state: "failed",
        attempts: 1,
        error: "HTTP 404: job deploy/web not found",
        calls: [{ status: 404 }],
      },
      {
        id: "success.1",
        kind: "webhook",
        target: hook.url,
        state: "done",
        attempts: 2,
        error: null,
        result: { status: 200 },
        calls: [{ status: 503 }, { status: 200 }],
      },
    ]);
    expect(JSON.stringify(json)).not.toContain("s3cret-hook-path");
    expect(JSON.stringify(json)).not.toContain("jenkins-api-token");
  });

  it("lists runs without their actions", async () => {
    const { json } = await getJson(`${pushgate.url}/api/runs`, API_TOKEN);
    expect((json.runs as Record<string, unknown>[])[0]).not.toHaveProperty("actions");
  });
});

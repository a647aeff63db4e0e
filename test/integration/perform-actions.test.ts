import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { JENKINS_PARAMETER_NAMES } from "../../src/actions/jenkins-parameters-of.js";
import { startActionHarness, type ActionHarness } from "../support/action-harness.js";
import { startHttpReceiver, type HttpReceiver } from "../support/http-receiver.js";
import { startJenkinsStandin, type JenkinsStandin } from "../support/jenkins-standin.js";
import { waitFor } from "../support/wait-for.js";

const TOKEN = "11f2c9f9ac5ffcb954158447874613629d";
const DECLARED = [...JENKINS_PARAMETER_NAMES, "TARGET", "IMAGE_REF"];

let jenkins: JenkinsStandin;
let hooks: HttpReceiver; // redeploy, Slack and webhook receiver
let allowedCallback: HttpReceiver;
let otherCallback: HttpReceiver;
let harness: ActionHarness;

beforeAll(async () => {
  [jenkins, hooks, allowedCallback, otherCallback] = await Promise.all([
    startJenkinsStandin({
      users: { pushgate: { token: TOKEN } },
      jobs: {
        "deploy/web": { parameters: DECLARED },
        "web-broken": { parameters: DECLARED },
        "deploy/web-waited": { parameters: DECLARED, queuePolls: 2, buildPolls: 2 },
        "deploy/web-fails": { parameters: DECLARED, result: "FAILURE" },
        "deploy/plain": {}, // a job written for the plugin, declaring no parameters
      },
    }),
    startHttpReceiver(),
    startHttpReceiver(),
    startHttpReceiver(),
  ]);
  harness = startActionHarness(`
jenkins: { url: "${jenkins.url}", user: pushgate, token: "${TOKEN}" }
actions: { timeout: 2s, attempts: 3, backoff: 20ms, maxBackoff: 100ms }
publicUrl: https://pushgate.example
callbacks: { allowedHosts: [registry.hub.docker.com, "${allowedCallback.url}"] }
pipelines:
  - name: web
    match: { repository: acme/web }
    on:
      success:
        - jenkins: { job: deploy/web, parameters: { TARGET: prod, IMAGE_REF: "{{repository}}:{{tag}}" } }
        - redeploy: { preset: keel, url: "${hooks.url}/keel" }
        - slack: { url: "${hooks.url}/slack/T0/B0/s3cr3t-slack-path" }
        - webhook: { url: "${hooks.url}/events", headers: { X-Api-Key: webhook-key-123 } }
      failure:
        - jenkins: { job: web-broken }
      error:
        - webhook: { url: "${hooks.url}/errors" }
    callback: true
  - name: lone
    match: { repository: acme/lone }
    on:
      success: [{ jenkins: { job: deploy/web } }]
  - name: missing
    match: { repository: acme/missing }
    on:
      success: [{ jenkins: { job: deploy/nope } }]
  - name: waited
    match: { repository: acme/waited }
    on:
      success:
        - jenkins: { job: deploy/web-waited, wait: true }
        - jenkins: { job: deploy/web-fails, wait: true }
  - name: plain
    match: { repository: acme/plain }
    on:
      success: [{ jenkins: { job: deploy/plain } }]
  - name: hook-down
    match: { repository: acme/hook }
    on:
      success: [{ redeploy: { url: "${hooks.url}/redeploy/{{tag}}" } }]
`);
});
afterAll(async () => {
  await harness.close();
  await Promise.all([
    jenkins.close(),
    hooks.close(),
    allowedCallback.close(),
    otherCallback.close(),
  ]);
});
afterEach(() => {
  jenkins.failNext(0, "503");
  hooks.answerNext();
  allowedCallback.answerNext();
});

const signal = () => new AbortController().signal;

const triggersFor = (runId: string) =>
  jenkins.triggers.filter((t) => t.sent.PUSHGATE_RUN_ID === runId);

describe("PerformActions", () => {
  it("a passed run triggers the success actions only, each recorded done", async () => {
    const outcome = await harness.outcome({
      verdict: "passed",
      event: { callbackUrl: `${allowedCallback.url}/u/acme/web/hook/abc/` },
    });
    const hooksBefore = hooks.requests.length;
    await harness.perform(outcome, signal());
    const runId = outcome.run.id;

    const [trigger, ...others] = triggersFor(runId);
    expect(others).toEqual([]);
    expect(trigger?.job).toBe("deploy/web");
    expect(trigger?.parameters).toEqual({
      DOCKER_TRIGGER_REPO_NAME: "acme/web",
      DOCKER_TRIGGER_TAG: "v1",
      DOCKER_TRIGGER_PUSHER: "ci-bot",
      DOCKER_TRIGGER_DOCKER_HUB_HOST: "127.0.0.1",
      PUSHGATE_RUN_ID: runId,
      PUSHGATE_RESULT: "passed",
      PUSHGATE_IMAGE: `acme/web@sha256:${"d".repeat(64)}`,
      TARGET: "prod",
      IMAGE_REF: "acme/web:v1",
    });

    const received = hooks.requests.slice(hooksBefore);
    expect(received.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /keel/v1/webhooks/native",
      "POST /slack/T0/B0/s3cr3t-slack-path",
      "POST /events",
    ]);
    expect(JSON.parse(received[0]?.body ?? "")).toEqual({ name: "acme/web", tag: "v1" });
    expect(JSON.parse(received[1]?.body ?? "")).toEqual({
      text: `*acme/web:v1* :white_check_mark: passed in 1s (pipeline web, <https://pushgate.example/runs/${runId}|run ${runId}>)`,
    });
    expect(JSON.parse(received[2]?.body ?? "")).toMatchObject({
      runId,
      result: "passed",
      tag: "v1",
    });
    expect(received[2]?.headers["x-api-key"]).toBe("webhook-key-123");
    for (const request of received) expect(request.headers["x-pushgate-run-id"]).toBe(runId);
    expect(jenkins.requests.at(-1)?.headers["x-pushgate-run-id"]).toBe(runId);

    const actions = await harness.store.listActions(runId);
    expect(actions.map((a) => [a.id, a.kind, a.state, a.attemptCount])).toEqual([
      ["success.0", "jenkins", "done", 1],
      ["success.1", "redeploy", "done", 1],
      ["success.2", "slack", "done", 1],
      ["success.3", "webhook", "done", 1],
      ["callback", "callback", "done", 1],
    ]);
    expect(actions[0]?.result).toMatchObject({
      status: 201,
      queueUrl: expect.stringMatching(/\/queue\/item\/\d+\/$/) as unknown,
    });
    // What is shown of a URL is its origin: the secret path stays out of the store.
    expect(actions[2]?.target).toBe(hooks.url);
  });

  it("a failed run triggers the failure job only", async () => {
    const outcome = await harness.outcome({ verdict: "failed", reason: "exit code 3" });
    const hooksBefore = hooks.requests.length;
    await harness.perform(outcome, signal());
    expect(triggersFor(outcome.run.id).map((t) => [t.job, t.sent.PUSHGATE_RESULT])).toEqual([
      ["web-broken", "failed"],
    ]);
    expect(hooks.requests.length).toBe(hooksBefore);
  });

  it("an errored run runs on.error, naming the image by tag", async () => {
    const outcome = await harness.outcome({ verdict: "errored", reason: "manifest unknown" });
    await harness.perform(outcome, signal());
    const last = hooks.requests.at(-1);
    expect(last?.path).toBe("/errors");
    expect(JSON.parse(last?.body ?? "")).toMatchObject({
      result: "errored",
      reason: "manifest unknown",
      image: "acme/web:v1",
      digest: null,
    });
  });

  it.each(["503", "reset"] as const)(
    "Jenkins failing the first calls (%s) is retried and the build delivered once",
    async (mode) => {
      const outcome = await harness.outcome({
        verdict: "passed",
        pipeline: "lone",
        event: { repository: "acme/lone" },
      });
      jenkins.failNext(2, mode);
      await harness.perform(outcome, signal());
      expect(triggersFor(outcome.run.id)).toHaveLength(1);
      const [action] = await harness.store.listActions(outcome.run.id);
      expect(action).toMatchObject({ state: "done", attemptCount: 3 });
      expect(action?.attempts.map((a) => a.status ?? "error")).toEqual(
        mode === "503" ? [503, 503, 201] : ["error", "error", 201],
      );
    },
  );

  it("Jenkins down for good: bounded tries, the failure recorded, nothing thrown", async () => {
    const outcome = await harness.outcome({
      verdict: "passed",
      pipeline: "lone",
      event: { repository: "acme/lone" },
    });
    await jenkins.stop();
    try {
      await harness.perform(outcome, signal());
    } finally {
      await jenkins.start();
    }
    const [action] = await harness.store.listActions(outcome.run.id);
    expect(action).toMatchObject({ state: "failed", attemptCount: 3 });
    expect(action?.error).toMatch(/^connection refused \(127\.0\.0\.1:\d+\) \(after 3 attempts\)$/);
    expect((await harness.store.getRun(outcome.run.id))?.state).toBe("queued");
  });

  it("an unknown job is recorded with Jenkins' answer and not retried", async () => {
    const outcome = await harness.outcome({
      verdict: "passed",
      pipeline: "missing",
      event: { repository: "acme/missing" },
    });
    const before = jenkins.requests.length;
    await harness.perform(outcome, signal());
    expect(jenkins.requests.length - before).toBe(1);
    expect((await harness.store.listActions(outcome.run.id))[0]).toMatchObject({
      state: "failed",
      attemptCount: 1,
      error: "HTTP 404: job deploy/nope not found",
    });
  });

  it("a job that declares no parameters is recorded as such, after one try", async () => {
    const outcome = await harness.outcome({
      verdict: "passed",
      pipeline: "plain",
      event: { repository: "acme/plain" },
    });
    await harness.perform(outcome, signal());
    expect(triggersFor(outcome.run.id)).toEqual([]);
    expect((await harness.store.listActions(outcome.run.id))[0]).toMatchObject({
      state: "failed",
      attemptCount: 1,
      error:
        "job deploy/plain declares no parameters: add the DOCKER_TRIGGER_* parameters (see jenkins/config.xml)",
    });
  });

  it("waits for builds: records number, URL and result; a FAILURE fails the action", async () => {
    const outcome = await harness.outcome({
      verdict: "passed",
      pipeline: "waited",
      event: { repository: "acme/waited" },
    });
    await harness.perform(outcome, signal());
    const [waited, fails] = await harness.store.listActions(outcome.run.id);
    expect(waited).toMatchObject({
      state: "done",
      result: {
        buildNumber: 1,
        buildUrl: `${jenkins.url}/job/deploy/job/web-waited/1/`,
        buildResult: "SUCCESS",
      },
    });
    expect(fails).toMatchObject({
      state: "failed",
      error: "build #1 finished FAILURE",
      result: { buildNumber: 1, buildResult: "FAILURE" },
    });
  });

  it("never calls back a host that is not allowed, and says why", async () => {
    const outcome = await harness.outcome({
      verdict: "failed",
      event: { callbackUrl: `${otherCallback.url}/u/acme/web/hook/abc/` },
    });
    await harness.perform(outcome, signal());
    expect(otherCallback.requests).toEqual([]);
    const callback = (await harness.store.listActions(outcome.run.id)).find(
      (a) => a.id === "callback",
    );
    expect(callback).toMatchObject({
      state: "refused",
      attemptCount: 0,
      error: `${otherCallback.url} is not in callbacks.allowedHosts`,
    });
    expect(harness.logLines.some((l) => l.includes('"message":"callback refused"'))).toBe(true);
  });

  it("calls back an allowed host with the state, trying at most twice", async () => {
    const before = allowedCallback.requests.length;
    const outcome = await harness.outcome({
      verdict: "failed",
      reason: "exit code 3",
      event: { callbackUrl: `${allowedCallback.url}/cb/1` },
    });
    allowedCallback.answerNext(500, 500, 500);
    await harness.perform(outcome, signal());
    const calls = allowedCallback.requests.slice(before);
    expect(calls).toHaveLength(2);
    expect(JSON.parse(calls[0]?.body ?? "")).toEqual({
      state: "failure",
      description: "Tests failed: exit code 3",
      context: "pushgate",
      target_url: `https://pushgate.example/runs/${outcome.run.id}`,
    });
    expect((await harness.store.listActions(outcome.run.id)).at(-1)).toMatchObject({
      id: "callback",
      state: "failed",
      attemptCount: 2,
    });
  });

  it("a resumed run does not repeat what was done, and resumes a sent build", async () => {
    const outcome = await harness.outcome({
      verdict: "passed",
      pipeline: "waited",
      event: { repository: "acme/waited" },
    });
    const runId = outcome.run.id;
    await harness.store.planActions(
      runId,
      [
        { id: "success.0", kind: "jenkins", target: "deploy/web-waited" },
        { id: "success.1", kind: "jenkins", target: "deploy/web-fails" },
      ],
      new Date(),
    );
    // As left by a crash: the first build was accepted and never followed; the second done.
    const queued = await fetch(`${jenkins.url}/job/deploy/job/web-waited/buildWithParameters`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`pushgate:${TOKEN}`).toString("base64")}` },
      body: new URLSearchParams({ PUSHGATE_RUN_ID: runId }),
    });
    const queueUrl = queued.headers.get("location") ?? "";
    await harness.store.updateAction(
      runId,
      "success.0",
      { state: "sent", result: { queueUrl } },
      new Date(),
    );
    await harness.store.updateAction(runId, "success.1", { state: "done" }, new Date());

    await harness.perform(outcome, signal());
    expect(triggersFor(runId)).toHaveLength(1);
    expect((await harness.store.listActions(runId)).map((a) => a.state)).toEqual(["done", "done"]);
    expect((await harness.store.listActions(runId))[0]?.result).toMatchObject({
      queueUrl,
      buildResult: "SUCCESS",
    });
  });

  it("an abort leaves the action pending for the next start and rejects", async () => {
    const outcome = await harness.outcome({
      verdict: "passed",
      pipeline: "hook-down",
      event: { repository: "acme/hook" },
    });
    hooks.answerNext(0); // the call hangs until it is aborted
    const before = hooks.requests.length;
    const controller = new AbortController();
    const performing = harness.perform(outcome, controller.signal);
    await waitFor("the hanging call", () => (hooks.requests.length > before ? true : undefined));
    controller.abort(new Error("shutting down"));
    await expect(performing).rejects.toThrow("shutting down");
    const [action] = await harness.store.listActions(outcome.run.id);
    expect(action?.state).toBe("pending");
    expect((await harness.store.unfinishedActions()).some((a) => a.runId === outcome.run.id)).toBe(
      true,
    );
  });
});

describe("receivers that answer once the redeploy is done", () => {
  const ANSWER_AFTER_MS = 1500; // longer than actions.timeout below, far shorter than 5m
  let slow: HttpReceiver;
  let slowHarness: ActionHarness;

  beforeAll(async () => {
    slow = await startHttpReceiver({ delayMs: ANSWER_AFTER_MS });
    slowHarness = startActionHarness(`
actions: { timeout: 500ms, attempts: 3, backoff: 20ms, maxBackoff: 100ms }
pipelines:
  - name: watchtower
    match: { repository: acme/watchtower }
    on: { success: [{ redeploy: { preset: watchtower, url: "${slow.url}", token: wt-token-123 } }] }
  - name: portainer
    match: { repository: acme/portainer }
    on: { success: [{ redeploy: { preset: portainer, url: "${slow.url}/api/webhooks/abc" } }] }
  - name: own-timeout
    match: { repository: acme/own-timeout }
    on: { success: [{ webhook: { url: "${slow.url}/events", timeout: 5s } }] }
  - name: global-timeout
    match: { repository: acme/global-timeout }
    on: { success: [{ webhook: { url: "${slow.url}/events" } }] }
`);
  });
  afterAll(async () => {
    await slowHarness.close();
    await slow.close();
  });

  const perform = async (pipeline: string) => {
    const outcome = await slowHarness.outcome({
      verdict: "passed",
      pipeline,
      event: { repository: `acme/${pipeline}` },
    });
    await slowHarness.perform(outcome, signal());
    const runId = outcome.run.id;
    return {
      received: slow.requests.filter((r) => r.headers["x-pushgate-run-id"] === runId),
      actions: await slowHarness.store.listActions(runId),
    };
  };

  it.each([
    ["watchtower", "POST /v1/update?image=acme%2Fwatchtower"],
    ["portainer", "POST /api/webhooks/abc"],
    ["own-timeout", "POST /events"],
  ])(
    "%s: one request, waited for past actions.timeout, the action done",
    async (pipeline, call) => {
      const { received, actions } = await perform(pipeline);
      expect(received.map((r) => `${r.method} ${r.path}`)).toEqual([call]);
      expect(actions).toMatchObject([{ state: "done", attemptCount: 1 }]);
    },
  );

  it("an action without its own timeout gives up after actions.timeout, as before", async () => {
    const { received, actions } = await perform("global-timeout");
    expect(received).toHaveLength(3);
    expect(actions).toMatchObject([{ state: "failed", attemptCount: 3 }]);
    expect(actions[0]?.error).toMatch(
      /^no answer from 127\.0\.0\.1:\d+ within 500ms \(after 3 attempts\)$/,
    );
  });
});

describe("a receiver that echoes the secret part of its URL", () => {
  const PATH_SECRET = "T0pS3cretHookPath";
  const QUERY_SECRET = "abcd";
  let echo: HttpReceiver;
  let echoHarness: ActionHarness;

  beforeAll(async () => {
    echo = await startHttpReceiver({
      errorBody: (request) => {
        const token = request.path.split(/[/?]/)[2] ?? "";
        return `no such hook: ${request.path} (token ${token}, ${request.path.split("?")[1] ?? ""})`;
      },
    });
    echoHarness = startActionHarness(`
actions: { timeout: 2s, attempts: 1 }
pipelines:
  - name: echo
    match: { repository: acme/echo }
    on:
      success:
        - webhook: { url: "${echo.url}/hooks/${PATH_SECRET}?key=${QUERY_SECRET}" }
        - redeploy: { url: "${echo.url}/deploy/${PATH_SECRET}/{{tag}}" }
`);
  });
  afterAll(async () => {
    await echoHarness.close();
    await echo.close();
  });

  it("keeps the path and query secrets out of the stored errors and every log line", async () => {
    const outcome = await echoHarness.outcome({
      verdict: "passed",
      pipeline: "echo",
      event: { repository: "acme/echo" },
    });
    echo.answerNext(404, 404);
    await echoHarness.perform(outcome, signal());
    // The receiver did echo them: the paths it was called on hold both.
    expect(echo.requests.map((r) => r.path)).toEqual([
      `/hooks/${PATH_SECRET}?key=${QUERY_SECRET}`,
      `/deploy/${PATH_SECRET}/v1`,
    ]);
    const actions = await echoHarness.store.listActions(outcome.run.id);
    expect(actions.map((a) => [a.state, a.error])).toEqual([
      ["failed", "HTTP 404: no such hook: [REDACTED] (token [REDACTED], [REDACTED])"],
      ["failed", "HTTP 404: no such hook: /deploy/[REDACTED]/v1 (token [REDACTED], )"],
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    const failures = echoHarness.logLines.filter((line) => line.includes("action failed"));
    expect(failures).toHaveLength(2);
    for (const text of [...echoHarness.logLines, JSON.stringify(actions)]) {
      expect(text).not.toContain(PATH_SECRET);
      expect(text).not.toContain(`key=${QUERY_SECRET}`);
    }
  });
});

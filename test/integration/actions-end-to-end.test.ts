import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JENKINS_PARAMETER_NAMES } from "../../src/actions/jenkins-parameters-of.js";
import { buildTestImage } from "../support/build-test-image.js";
import { getJson, post } from "../support/http.js";
import { startHttpReceiver, type HttpReceiver } from "../support/http-receiver.js";
import { startJenkinsStandin, type JenkinsStandin } from "../support/jenkins-standin.js";
import { sharedRegistry } from "../support/registry.js";
import { waitForRun } from "../support/runs.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";
import { API_TOKEN, WEBHOOK_TOKEN } from "../support/test-config.js";
import { waitFor } from "../support/wait-for.js";

/**
 * The whole way: a Docker Hub push announced to pushgate, the image pulled from the
 * suite's registry (the docker.io mirror) and tested in the real engine, then the verdict's
 * actions against the Jenkins stand-in and local callback receivers.
 */

const ns = `actions-${randomBytes(4).toString("hex")}`;
const TOKEN = "e2e-jenkins-api-token-1";
const DECLARED = [...JENKINS_PARAMETER_NAMES, "TARGET"];

let jenkins: JenkinsStandin;
let allowed: HttpReceiver;
let stranger: HttpReceiver;
let pushgate: TestPushgate;
const digests: Record<string, string | undefined> = {};

interface ActionJson {
  id: string;
  kind: string;
  state: string;
  attempts: number;
  error: string | null;
  result: Record<string, unknown>;
}

beforeAll(async () => {
  const registry = sharedRegistry();
  const image = (name: string, cmd: string) =>
    buildTestImage({ reference: `${registry}/${ns}/${name}:v1`, lines: [cmd] }).then(
      (digest) => (digests[name] = digest),
    );
  [jenkins, allowed, stranger] = await Promise.all([
    startJenkinsStandin({
      users: { pushgate: { token: TOKEN } },
      jobs: { "deploy/web": { parameters: DECLARED }, "web-broken": { parameters: DECLARED } },
    }),
    startHttpReceiver(),
    startHttpReceiver(),
    image("pass", 'CMD ["sh", "-c", "echo all good"]'),
    image("fail", 'CMD ["sh", "-c", "echo 1 test failed >&2; exit 3"]'),
    image("down", 'CMD ["true"]'),
    image("missing", 'CMD ["true"]'),
  ]);
  pushgate = await startTestPushgate(
    `
registries: [{ host: docker.io, mirror: "${registry}" }]
docker: { concurrency: 2, pullTimeout: 60s }
jenkins: { url: "${jenkins.url}", user: pushgate, token: ${TOKEN} }
actions: { timeout: 5s, attempts: 6, backoff: 300ms, maxBackoff: 2s }
publicUrl: https://pushgate.example
callbacks: { allowedHosts: ["${allowed.url}"] }
pipelines:
  - name: gate
    match: { repository: ["${ns}/pass", "${ns}/fail", "${ns}/down"] }
    test: { timeout: 30s, resources: { memory: 48m, cpus: 0.5, pids: 64 } }
    on:
      success: [{ jenkins: { job: deploy/web, parameters: { TARGET: prod } } }]
      failure: [{ jenkins: { job: web-broken } }]
    callback: true
  - name: missing
    match: { repository: "${ns}/missing" }
    test: { timeout: 30s, resources: { memory: 48m, cpus: 0.5, pids: 64 } }
    on:
      success: [{ jenkins: { job: deploy/nope } }]
`,
    { executeRuns: true },
  );
}, 180_000);
afterAll(async () => {
  await pushgate?.stop();
  await Promise.all([jenkins?.close(), allowed?.close(), stranger?.close()]);
});

let pushes = 0;

/** Announces a push of `${ns}/name:v1` as Docker Hub does, with a callback_url. */
async function push(name: string, callbackUrl: string): Promise<string> {
  const { status, json } = await post(`${pushgate.url}/dockerhub-webhook/${WEBHOOK_TOKEN}/notify`, {
    callback_url: callbackUrl,
    push_data: { tag: "v1", pushed_at: Math.floor(Date.now() / 1000) + pushes++, pusher: "ci" },
    repository: { repo_name: `${ns}/${name}` },
  });
  expect(status, JSON.stringify(json)).toBe(202);
  const [runId] = json.runs as string[];
  if (!runId) throw new Error("no run queued");
  return runId;
}

async function actionsOf(runId: string): Promise<ActionJson[]> {
  const { json } = await getJson(`${pushgate.url}/api/runs/${runId}`, API_TOKEN);
  return (json.actions as ActionJson[] | undefined) ?? [];
}

const triggersOf = (runId: string) =>
  jenkins.triggers.filter((t) => t.sent.PUSHGATE_RUN_ID === runId);
const callbacksOf = (receiver: HttpReceiver, runId: string) =>
  receiver.requests.filter((r) => r.headers["x-pushgate-run-id"] === runId);

describe("actions after a real test", () => {
  it("a passing image triggers the success job once, with every parameter, and calls back success", async () => {
    const runId = await push("pass", `${allowed.url}/u/${ns}/pass/hook/1/`);
    const run = await waitForRun(pushgate.url, runId);
    expect(run.state).toBe("passed");

    const triggers = triggersOf(runId);
    expect(triggers.map((t) => t.job)).toEqual(["deploy/web"]);
    expect(triggers[0]?.parameters).toEqual({
      DOCKER_TRIGGER_REPO_NAME: `${ns}/pass`,
      DOCKER_TRIGGER_TAG: "v1",
      DOCKER_TRIGGER_PUSHER: "ci",
      DOCKER_TRIGGER_DOCKER_HUB_HOST: "127.0.0.1",
      PUSHGATE_RUN_ID: runId,
      PUSHGATE_RESULT: "passed",
      PUSHGATE_IMAGE: `${ns}/pass@${digests.pass ?? "?"}`,
      TARGET: "prod",
    });

    const [callback] = callbacksOf(allowed, runId);
    expect(JSON.parse(callback?.body ?? "{}")).toEqual({
      state: "success",
      description: "Tests passed",
      context: "pushgate",
      target_url: `https://pushgate.example/runs/${runId}`,
    });
    expect((await actionsOf(runId)).map((a) => [a.id, a.state, a.attempts])).toEqual([
      ["success.0", "done", 1],
      ["callback", "done", 1],
    ]);
  });

  it("a failing image triggers the failure job only, and calls back failure", async () => {
    const runId = await push("fail", `${allowed.url}/u/${ns}/fail/hook/2/`);
    const run = await waitForRun(pushgate.url, runId);
    expect(run.state).toBe("failed");
    expect(triggersOf(runId).map((t) => [t.job, t.parameters.PUSHGATE_RESULT])).toEqual([
      ["web-broken", "failed"],
    ]);
    const [callback] = callbacksOf(allowed, runId);
    expect(JSON.parse(callback?.body ?? "{}")).toMatchObject({ state: "failure" });
  });

  it("Jenkins down for the first attempts: retried, delivered once, the verdict kept", async () => {
    await jenkins.stop();
    let runId = "";
    try {
      runId = await push("down", `${allowed.url}/u/${ns}/down/hook/3/`);
      await waitFor("two refused calls to Jenkins", async () => {
        const [jenkinsAction] = await actionsOf(runId);
        return jenkinsAction && jenkinsAction.attempts >= 2 ? true : undefined;
      });
    } finally {
      await jenkins.start();
    }
    const run = await waitForRun(pushgate.url, runId);
    expect(run.state).toBe("passed");
    expect(triggersOf(runId)).toHaveLength(1);
    const [jenkinsAction] = await actionsOf(runId);
    expect(jenkinsAction?.state).toBe("done");
    expect(jenkinsAction?.attempts).toBeGreaterThanOrEqual(3);
  });

  it("an unknown job is recorded with Jenkins' answer, tried once, the verdict kept", async () => {
    const before = jenkins.requests.filter((r) =>
      r.path.startsWith("/job/deploy/job/nope/"),
    ).length;
    const runId = await push("missing", `${allowed.url}/u/${ns}/missing/hook/4/`);
    const run = await waitForRun(pushgate.url, runId);
    expect(run.state).toBe("passed");
    expect(await actionsOf(runId)).toMatchObject([
      {
        id: "success.0",
        state: "failed",
        attempts: 1,
        error: "HTTP 404: job deploy/nope not found",
      },
    ]);
    const after = jenkins.requests.filter((r) => r.path.startsWith("/job/deploy/job/nope/")).length;
    expect(after - before).toBe(1);
  });

  it("never calls back a host that is not allowed", async () => {
    const runId = await push("pass", `${stranger.url}/u/${ns}/pass/hook/5/`);
    const run = await waitForRun(pushgate.url, runId);
    expect(run.state).toBe("passed");
    expect(stranger.requests).toEqual([]);
    const callback = (await actionsOf(runId)).find((a) => a.id === "callback");
    expect(callback).toMatchObject({
      state: "refused",
      attempts: 0,
      error: `${stranger.url} is not in callbacks.allowedHosts`,
    });
    expect(triggersOf(runId)).toHaveLength(1);
  });
});

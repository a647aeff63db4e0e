import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestImage } from "../support/build-test-image.js";
import { startGiteaStandin } from "../support/gitea-standin.js";
import { startGithubStandin, type ForgeStandin } from "../support/github-standin.js";
import { startGitlabStandin } from "../support/gitlab-standin.js";
import { getJson, post } from "../support/http.js";
import { sharedRegistry } from "../support/registry.js";
import { pushToHub, waitForRun } from "../support/runs.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";
import { API_TOKEN } from "../support/test-config.js";
import { waitFor } from "../support/wait-for.js";

/**
 * Commit statuses the whole way: images labelled with their source and revision, pushed,
 * pulled and tested in the real engine, their statuses sent to GitHub, GitLab and Gitea
 * stand-ins built from each one's API documentation.
 */

const ns = `statuses-${randomBytes(4).toString("hex")}`;
const PASS_SHA = "0123456789abcdef0123456789abcdef01234567";
const FAIL_SHA = "fedcba9876543210fedcba9876543210fedcba98";
const SLOW_SHA = "5105105105105105105105105105105105105105";
const TAGGED_SHA = "7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b";
const REPO = "acme/web";
const TOKENS = {
  github: "gh-token-0123456789",
  gitlab: "gl-token-0123456789",
  gitea: "gt-token-0123456789",
};

let github: ForgeStandin;
let gitlab: ForgeStandin;
let gitea: ForgeStandin;
let pushgate: TestPushgate;

interface ActionJson {
  id: string;
  state: string;
  attempts: number;
  error: string | null;
  calls: { status?: number }[];
}

beforeAll(async () => {
  const registry = sharedRegistry();
  const repositories = { [REPO]: [PASS_SHA, FAIL_SHA, SLOW_SHA, TAGGED_SHA] };
  // The source label names the host the stand-ins listen on: 127.0.0.1.
  const labels = (sha: string) =>
    `LABEL org.opencontainers.image.source=https://127.0.0.1/${REPO}.git org.opencontainers.image.revision=${sha}`;
  const image = (name: string, lines: string[], tag = "v1") =>
    buildTestImage({ reference: `${registry}/${ns}/${name}:${tag}`, lines });
  [github, gitlab, gitea] = await Promise.all([
    startGithubStandin({ tokens: [TOKENS.github], repositories }),
    startGitlabStandin({ tokens: [TOKENS.gitlab], repositories }),
    startGiteaStandin({ tokens: [TOKENS.gitea], repositories }),
    image("app-pass", [labels(PASS_SHA), 'CMD ["true"]']),
    image("app-fail", [labels(FAIL_SHA), 'CMD ["sh", "-c", "exit 3"]']),
    image("app-slow", [labels(SLOW_SHA), 'CMD ["sleep", "30"]']),
    image("app-plain", ['CMD ["true"]']),
    image("plain", ['CMD ["true"]'], TAGGED_SHA),
  ]);
  pushgate = await startTestPushgate(
    `
registries: [{ host: docker.io, mirror: "${registry}" }]
docker: { concurrency: 2, pullTimeout: 60s }
publicUrl: https://pushgate.example
github: { url: "${github.url}", token: ${TOKENS.github} }
gitlab: { url: "${gitlab.url}", token: ${TOKENS.gitlab} }
gitea: { url: "${gitea.url}", token: ${TOKENS.gitea} }
actions: { timeout: 2s, attempts: 3, backoff: 100ms, maxBackoff: 500ms }
pipelines:
  - name: gate
    match: { repository: "${ns}/app-*" }
    test: { timeout: 45s, resources: { memory: 48m, cpus: 0.5, pids: 64 } }
    statuses: [github, gitlab, { gitea: { context: ci/pushgate } }]
  - name: tagged
    match: { repository: "${ns}/plain" }
    test: { timeout: 30s, resources: { memory: 48m, cpus: 0.5, pids: 64 } }
    statuses: github
    source: { repository: ${REPO}, revision: "{{tag}}" }
`,
    { executeRuns: true },
  );
}, 180_000);
afterAll(async () => {
  await pushgate?.stop();
  await Promise.all([github?.close(), gitlab?.close(), gitea?.close()]);
});

async function push(name: string, tag = "v1"): Promise<string> {
  const [runId] = await pushToHub(pushgate.url, `${ns}/${name}`, tag);
  if (!runId) throw new Error("no run queued");
  return runId;
}

async function actionsOf(runId: string): Promise<ActionJson[]> {
  const { json } = await getJson(`${pushgate.url}/api/runs/${runId}`, API_TOKEN);
  return json.actions as ActionJson[];
}

/** The statuses a run set on a commit: those linking to it. */
const ofRun = (standin: ForgeStandin, sha: string, runId: string) =>
  standin
    .statusesOf(REPO, sha)
    .filter((s) => s.target_url === `https://pushgate.example/runs/${runId}`);

describe("commit statuses", () => {
  it("a labelled image that passes: pending, then success, on GitHub, GitLab and Gitea, with the run's link; a 502 is retried", async () => {
    github.failNext(
      1,
      { status: 502, body: "<html><body><h1>502 Bad Gateway</h1></body></html>" },
      (request) => (request.json as { state?: string } | undefined)?.state === "success",
    );
    const runId = await push("app-pass");
    expect((await waitForRun(pushgate.url, runId)).state).toBe("passed");

    const states = (standin: ForgeStandin) => ofRun(standin, PASS_SHA, runId).map((s) => s.state);
    expect(states(github)).toEqual(["pending", "success"]);
    expect(states(gitlab)).toEqual(["running", "success"]);
    expect(states(gitea)).toEqual(["pending", "success"]);
    expect(ofRun(github, PASS_SHA, runId)[1]).toMatchObject({
      context: "pushgate/gate",
      description: "Tests passed",
    });
    expect(ofRun(gitlab, PASS_SHA, runId)[1]?.context).toBe("pushgate/gate");
    expect(ofRun(gitea, PASS_SHA, runId)[1]?.context).toBe("ci/pushgate");

    const actions = await actionsOf(runId);
    expect(actions.map((a) => [a.id, a.state])).toEqual([
      ["status.github.pending", "done"],
      ["status.github", "done"],
      ["status.gitlab.pending", "done"],
      ["status.gitlab", "done"],
      ["status.gitea.pending", "done"],
      ["status.gitea", "done"],
    ]);
    const verdict = actions.find((a) => a.id === "status.github");
    expect(verdict?.calls.map((c) => c.status)).toEqual([502, 201]);
  });

  it("an image that fails: failure on GitHub and Gitea, failed on GitLab, saying why", async () => {
    const runId = await push("app-fail");
    expect((await waitForRun(pushgate.url, runId)).state).toBe("failed");
    expect(ofRun(github, FAIL_SHA, runId).map((s) => [s.state, s.description])).toEqual([
      ["pending", "Testing the pushed image"],
      ["failure", "Tests failed: exit code 3"],
    ]);
    expect(ofRun(gitlab, FAIL_SHA, runId).map((s) => s.state)).toEqual(["running", "failed"]);
    expect(ofRun(gitea, FAIL_SHA, runId).map((s) => s.state)).toEqual(["pending", "failure"]);
  });

  it("an image without labels gets no status, and the run says why once per provider", async () => {
    const before = github.requests.length + gitlab.requests.length + gitea.requests.length;
    const runId = await push("app-plain");
    expect((await waitForRun(pushgate.url, runId)).state).toBe("passed");
    const actions = await actionsOf(runId);
    expect(actions.map((a) => [a.id, a.state, a.attempts])).toEqual([
      ["status.github", "skipped", 0],
      ["status.gitlab", "skipped", 0],
      ["status.gitea", "skipped", 0],
    ]);
    expect(actions[0]?.error).toMatch(
      /^no revision: the image has no org\.opencontainers\.image\.revision/,
    );
    expect(github.requests.length + gitlab.requests.length + gitea.requests.length).toBe(before);
  });

  it("a pipeline's source names the repository and revision of an image without labels", async () => {
    const runId = await push("plain", TAGGED_SHA);
    expect((await waitForRun(pushgate.url, runId)).state).toBe("passed");
    expect(ofRun(github, TAGGED_SHA, runId).map((s) => [s.state, s.context])).toEqual([
      ["pending", "pushgate/tagged"],
      ["success", "pushgate/tagged"],
    ]);
    const { json } = await getJson(`${pushgate.url}/api/runs/${runId}`, API_TOKEN);
    expect(json.source).toEqual({ url: null, revision: TAGGED_SHA, repository: REPO });
  });

  it("bad credentials: GitHub's 401 is recorded with its message and not retried; the others go on", async () => {
    github.setTokenValid(TOKENS.github, false);
    let runId = "";
    try {
      runId = await push("app-pass");
      expect((await waitForRun(pushgate.url, runId)).state).toBe("passed");
    } finally {
      github.setTokenValid(TOKENS.github, true);
    }
    const actions = await actionsOf(runId);
    expect(actions.filter((a) => a.id.startsWith("status.github"))).toMatchObject([
      {
        id: "status.github.pending",
        state: "failed",
        attempts: 1,
        error: "HTTP 401: Bad credentials",
      },
      { id: "status.github", state: "failed", attempts: 1, error: "HTTP 401: Bad credentials" },
    ]);
    expect(ofRun(gitlab, PASS_SHA, runId).map((s) => s.state)).toEqual(["running", "success"]);
    // The tokens are secrets: in no log line and no answer.
    const { json } = await getJson(`${pushgate.url}/api/runs/${runId}`, API_TOKEN);
    const seen = `${pushgate.logLines.join("\n")}${JSON.stringify(json)}`;
    for (const token of Object.values(TOKENS)) expect(seen).not.toContain(token);
  });

  it("a cancelled run says so: error on GitHub and Gitea, canceled on GitLab", async () => {
    const runId = await push("app-slow");
    await waitFor("the pending statuses", () =>
      ofRun(github, SLOW_SHA, runId).length > 0 && ofRun(gitlab, SLOW_SHA, runId).length > 0
        ? true
        : undefined,
    );
    const cancel = await post(`${pushgate.url}/api/runs/${runId}/cancel`, "", {
      authorization: `Bearer ${API_TOKEN}`,
    });
    expect(cancel.status).toBe(200);
    expect((await waitForRun(pushgate.url, runId)).state).toBe("cancelled");
    await waitFor("the final statuses", async () =>
      (await actionsOf(runId)).every((a) => a.state !== "pending") ? true : undefined,
    );
    expect(ofRun(github, SLOW_SHA, runId).map((s) => [s.state, s.description])).toEqual([
      ["pending", "Testing the pushed image"],
      ["error", "Cancelled before the test ended"],
    ]);
    expect(ofRun(gitlab, SLOW_SHA, runId).map((s) => s.state)).toEqual(["running", "canceled"]);
    expect(ofRun(gitea, SLOW_SHA, runId).map((s) => s.state)).toEqual(["pending", "error"]);
  });
});

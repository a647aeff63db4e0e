import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestImage } from "../support/build-test-image.js";
import { startGithubStandin, type ForgeStandin } from "../support/github-standin.js";
import { getJson } from "../support/http.js";
import { manifestDigest, sharedRegistry } from "../support/registry.js";
import { finalStateLines, pushToHub, waitForRun } from "../support/runs.js";
import { spawnPushgate, type SpawnedPushgate } from "../support/spawn-pushgate.js";
import { API_TOKEN, tempDir, testConfigYaml } from "../support/test-config.js";
import { waitFor } from "../support/wait-for.js";

/**
 * kill -9 of the real process after a run's verdict is stored and before its promotion
 * (held on its commit status, which comes first), then a restart on the same store.
 */

const ns = `promote-crash-${randomBytes(4).toString("hex")}`;
const SHA = "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12";
const TOKEN = "gh-token-restart-0123";
let github: ForgeStandin;
let digest: string | undefined;
const processes: SpawnedPushgate[] = [];

beforeAll(async () => {
  [github, digest] = await Promise.all([
    startGithubStandin({ tokens: [TOKEN], repositories: { "acme/app": [SHA] } }),
    buildTestImage({
      reference: `${sharedRegistry()}/${ns}/app:v1`,
      lines: [
        `LABEL org.opencontainers.image.source=https://127.0.0.1/acme/app org.opencontainers.image.revision=${SHA}`,
        'CMD ["true"]',
      ],
    }),
  ]);
}, 120_000);
afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill("SIGTERM")));
  await github?.close();
});

describe("a restart between the verdict and the promotion", () => {
  it("promotes once, after the verdict's status is sent again", async () => {
    const dir = tempDir();
    const registry = sharedRegistry();
    const yaml = testConfigYaml(
      dir,
      `registries: [{ host: docker.io, mirror: "${registry}" }]
github: { url: "${github.url}", token: ${TOKEN} }
actions: { timeout: 60s, attempts: 2 }
pipelines:
  - name: gate
    match: { repository: "${ns}/app" }
    test: { timeout: 30s }
    statuses: github
    promote: { repository: "${registry}/${ns}/released", tags: [stable] }
`,
    );
    // The verdict's status is never answered: the run stays acting, its promotion not begun.
    github.failNext(
      1,
      { status: 0 },
      (request) => (request.json as { state?: string } | undefined)?.state === "success",
    );
    const first = await spawnPushgate(dir, yaml);
    processes.push(first);
    const [runId = ""] = await pushToHub(first.url, `${ns}/app`, "v1");
    await waitFor("the verdict's status call", () =>
      github.statusesOf("acme/app", SHA).length > 0 &&
      github.requests.some((r) => (r.json as { state?: string } | undefined)?.state === "success")
        ? true
        : undefined,
    );
    expect((await getJson(`${first.url}/api/runs/${runId}`, API_TOKEN)).json).toMatchObject({
      state: "acting",
      promotions: [],
    });
    await first.kill("SIGKILL");

    const second = await spawnPushgate(dir, yaml);
    processes.push(second);
    expect((await waitForRun(second.url, runId)).state).toBe("passed");
    const { json } = await getJson(`${second.url}/api/runs/${runId}`, API_TOKEN);
    const actions = json.actions as { id: string; state: string; attempts: number }[];
    expect(actions.map((a) => [a.id, a.state, a.attempts])).toEqual([
      ["status.github.pending", "done", 1],
      ["status.github", "done", 1],
      ["promote", "done", 1],
    ]);
    expect(json.promotions).toMatchObject([{ tag: "stable", digest, pushedDigest: digest }]);
    expect(await manifestDigest(registry, `${ns}/released`, "stable")).toBe(digest);
    // Sent twice (the first call, held, was never answered nor recorded), set once.
    const successes = github.requests.filter(
      (r) => (r.json as { state?: string } | undefined)?.state === "success",
    );
    expect(successes).toHaveLength(2);
    expect(github.statusesOf("acme/app", SHA).map((s) => s.state)).toEqual(["pending", "success"]);
    expect(finalStateLines([...first.output, ...second.output], runId)).toHaveLength(1);
  });
});

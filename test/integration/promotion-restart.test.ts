import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestImage } from "../support/build-test-image.js";
import { startGithubStandin, type ForgeStandin } from "../support/github-standin.js";
import { getJson } from "../support/http.js";
import { freePort } from "../support/ports.js";
import { freshDatabase } from "../support/postgres.js";
import { manifestDigest, sharedRegistry, startRegistry } from "../support/registry.js";
import { startReplica } from "../support/replicas.js";
import { finalStateLines, pushToHub, waitForRun } from "../support/runs.js";
import { spawnPushgate, type SpawnedPushgate } from "../support/spawn-pushgate.js";
import { API_TOKEN, WEBHOOK_TOKEN, tempDir, testConfigYaml } from "../support/test-config.js";
import { waitFor } from "../support/wait-for.js";

/**
 * kill -9 of the real process after a run's verdict is stored and before its promotion
 * (held on its commit status, which comes first), then a restart on the same store; and the
 * same with two replicas on PostgreSQL, where the other replica takes the run over.
 */

const ns = `promote-crash-${randomBytes(4).toString("hex")}`;
const SHA = "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12";
const TOKEN = "gh-token-restart-0123";
let github: ForgeStandin;
let digest: string | undefined;
const processes: SpawnedPushgate[] = [];
const cleanups: (() => Promise<void>)[] = [];

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
  for (const cleanup of cleanups) await cleanup();
  await github?.close();
});

/** The verdict's status is never answered: the run stays acting, its promotion not begun. */
const holdVerdictStatus = () =>
  github.failNext(
    1,
    { status: 0 },
    (request) => (request.json as { state?: string } | undefined)?.state === "success",
  );

const successCalls = () =>
  github.requests.filter((r) => (r.json as { state?: string } | undefined)?.state === "success");

/** The gate pipeline: tested, a GitHub status, `promote`'s tags pushed to `released`. */
const gateConfig = (
  released: string,
  tag: string,
) => `registries: [{ host: docker.io, mirror: "${sharedRegistry()}" }]
github: { url: "${github.url}", token: ${TOKEN} }
actions: { timeout: 60s, attempts: 2 }
pipelines:
  - name: gate
    match: { repository: "${ns}/app" }
    test: { timeout: 30s }
    statuses: github
    promote: { repository: "${released}", tags: [${tag}] }
`;

describe("a restart between the verdict and the promotion", () => {
  it("promotes once, after the verdict's status is sent again", async () => {
    const dir = tempDir();
    const registry = sharedRegistry();
    const yaml = testConfigYaml(dir, gateConfig(`${registry}/${ns}/released`, "stable"));
    holdVerdictStatus();
    const first = await spawnPushgate(dir, yaml);
    processes.push(first);
    const [runId = ""] = await pushToHub(first.url, `${ns}/app`, "v1");
    await waitFor("the verdict's status call", () =>
      successCalls().length > 0 ? true : undefined,
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
    expect(successCalls()).toHaveLength(2);
    expect(github.statusesOf("acme/app", SHA).map((s) => s.state)).toEqual(["pending", "success"]);
    expect(finalStateLines([...first.output, ...second.output], runId)).toHaveLength(1);
  });

  it("with two replicas on PostgreSQL, the one left takes the run over and promotes once; the registry's notification of it starts no run there", async () => {
    const db = await freshDatabase();
    cleanups.push(db.drop);
    const survivorPort = await freePort();
    // A registry of its own, which tells the surviving replica of every push it takes.
    const target = await startRegistry({
      notifications: [
        {
          url: `http://127.0.0.1:${survivorPort}/dockerregistry-webhook/notify`,
          headers: { Authorization: [`Bearer ${WEBHOOK_TOKEN}`] },
        },
      ],
    });
    cleanups.push(() => target.destroy());
    const released = `${target.host}/${ns}/released`;
    // A pipeline that tests the promoted repository too: its notification must start nothing.
    const config = `${gateConfig(released, "replicated")}  - name: released
    match: { repository: "${released}" }
    test: { timeout: 30s }
`;
    const before = successCalls().length;
    holdVerdictStatus();
    // Only the first replica is there when the push comes: it is the one that tests it.
    const first = await startReplica(db.url, config);
    processes.push(first);
    const [runId = ""] = await pushToHub(first.url, `${ns}/app`, "v1");
    await waitFor("the verdict's status call", () =>
      successCalls().length > before ? true : undefined,
    );
    const survivor = await startReplica(db.url, config, "2s", { PORT: String(survivorPort) });
    processes.push(survivor);
    await first.kill("SIGKILL");

    expect((await waitForRun(survivor.url, runId)).state).toBe("passed");
    const { json } = await getJson(`${survivor.url}/api/runs/${runId}`, API_TOKEN);
    expect(json.actions).toMatchObject([
      { id: "status.github.pending", state: "done" },
      { id: "status.github", state: "done" },
      { id: "promote", state: "done", attempts: 1 },
    ]);
    expect(json.promotions).toMatchObject([{ tag: "replicated", digest, pushedDigest: digest }]);
    expect(await manifestDigest(target.host, `${ns}/released`, "replicated")).toBe(digest);
    const promotedLines = (lines: readonly string[]) =>
      lines.filter((line) => line.includes('"message":"promoted"'));
    expect(promotedLines(first.output)).toEqual([]);
    expect(promotedLines(survivor.output)).toHaveLength(1);
    // The registry's notification of the promoted tag reached the survivor: answered, no run.
    await waitFor("the promotion's notification", () =>
      survivor.output.some((line) => line.includes('"outcome":"promoted"')) ? true : undefined,
    );
    const runs = await getJson(`${survivor.url}/api/runs?limit=50`, API_TOKEN);
    expect((runs.json.runs as { id: string }[]).map((r) => r.id)).toEqual([runId]);
    expect(finalStateLines([...first.output, ...survivor.output], runId)).toHaveLength(1);
  });
});

import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readStore } from "../support/open-store.js";
import { buildTestImage } from "../support/build-test-image.js";
import { containersWith } from "../support/docker-objects.js";
import { post } from "../support/http.js";
import { sharedRegistry } from "../support/registry.js";
import { finalStateLines, pushToHub, waitForRun, type RunJson } from "../support/runs.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";
import { API_TOKEN, WEBHOOK_TOKEN } from "../support/test-config.js";
import { waitFor } from "../support/wait-for.js";

// Bursts, per-pipeline limits, supersede and the backlog, against the real engine.
const ns = `load-${randomBytes(4).toString("hex")}`;
const started: TestPushgate[] = [];

beforeAll(async () => {
  await Promise.all([
    buildTestImage({ reference: `${sharedRegistry()}/${ns}/fast:v1`, lines: ['CMD ["true"]'] }),
    buildTestImage({
      reference: `${sharedRegistry()}/${ns}/sleep:v1`,
      lines: ['CMD ["sleep", "2"]'],
    }),
    buildTestImage({
      reference: `${sharedRegistry()}/${ns}/long:v1`,
      lines: ['CMD ["sleep", "60"]'],
    }),
  ]);
}, 120_000);
afterAll(() => Promise.all(started.map((p) => p.stop({ graceMs: 0 }))));

async function start(rest: string, executeRuns = true): Promise<TestPushgate> {
  const pushgate = await startTestPushgate(
    `registries: [{ host: docker.io, mirror: "${sharedRegistry()}" }]\n${rest}`,
    { executeRuns },
  );
  started.push(pushgate);
  return pushgate;
}

/** The most runs whose [pull start, last step end] windows overlap at one moment. */
function mostAtOnce(runs: readonly RunJson[]): number {
  const edges = runs.flatMap((run) => {
    const times = Object.values(run.steps);
    const start = Math.min(...times.map((t) => Date.parse(t.startedAt)));
    const end = Math.max(...times.map((t) => Date.parse(t.finishedAt ?? t.startedAt)));
    return [
      { at: start, delta: 1 },
      { at: end, delta: -1 },
    ];
  });
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let now = 0;
  let most = 0;
  for (const edge of edges) most = Math.max(most, (now += edge.delta));
  return most;
}

/** Ids of the queued runs of a repository, oldest first. */
async function queuedIdsOf(pushgate: TestPushgate, repository: string): Promise<string[]> {
  const runs = await readStore(pushgate.dbPath, (store) =>
    store.listRuns({ limit: 100, repository, state: "queued" }),
  );
  return runs.map((r) => r.id).reverse();
}

describe("a burst of 300 distinct pushes with docker.concurrency 2", () => {
  it("records every one, finishes every one, none twice, never more than 2 at once", async () => {
    const pushgate = await start(`docker: { concurrency: 2 }
pipelines: [{ name: burst, match: { repository: "${ns}/fast" }, test: { timeout: 30s } }]`);
    const began = Date.now();
    const ids = (
      await Promise.all(
        Array.from({ length: 300 }, () => pushToHub(pushgate.url, `${ns}/fast`, "v1")),
      )
    ).flat();
    expect(new Set(ids).size).toBe(300);

    const runs: RunJson[] = [];
    for (const id of ids) runs.push(await waitForRun(pushgate.url, id, undefined, 230_000));
    const seconds = (Date.now() - began) / 1000;
    process.stdout.write(`burst: 300 runs passed in ${seconds.toFixed(1)} s\n`);

    expect(runs.filter((r) => r.state === "passed")).toHaveLength(300);
    expect(runs.every((r) => r.attempt === 1)).toBe(true);
    for (const id of ids) expect(finalStateLines(pushgate.logLines, id)).toHaveLength(1);
    expect(mostAtOnce(runs)).toBeLessThanOrEqual(2);
    const all = await readStore(pushgate.dbPath, (store) => store.listRuns({ limit: 1000 }));
    expect(all).toHaveLength(300);
  }, 240_000);
});

describe("pipelines[].concurrency", () => {
  it("holds a pipeline to its own limit while another uses the rest of the global one", async () => {
    const pushgate = await start(`docker: { concurrency: 3 }
pipelines:
  - { name: one, match: { repository: "${ns}/sleep" }, concurrency: 1, test: { timeout: 30s } }
  - { name: other, match: { repository: "${ns}/fast" }, test: { timeout: 30s } }`);
    const limited = (
      await Promise.all([1, 2, 3].map(() => pushToHub(pushgate.url, `${ns}/sleep`, "v1")))
    ).flat();
    const free = (
      await Promise.all([1, 2, 3].map(() => pushToHub(pushgate.url, `${ns}/fast`, "v1")))
    ).flat();
    const done = await Promise.all(limited.map((id) => waitForRun(pushgate.url, id)));
    const others = await Promise.all(free.map((id) => waitForRun(pushgate.url, id)));
    expect([...done, ...others].every((r) => r.state === "passed")).toBe(true);
    expect(mostAtOnce(done)).toBe(1);
    // The other pipeline did not wait for the limited one's queue to drain.
    const lastLimitedEnd = Math.max(...done.map((r) => Date.parse(r.steps.test?.finishedAt ?? "")));
    const firstOtherEnd = Math.min(
      ...others.map((r) => Date.parse(r.steps.test?.finishedAt ?? "")),
    );
    expect(firstOtherEnd).toBeLessThan(lastLimitedEnd);
  });
});

describe("pipelines[].supersede", () => {
  it("queued: a newer push of the same tag supersedes the older queued run, not other tags", async () => {
    const pushgate = await start(
      `pipelines:
  - { name: web, match: { repository: "${ns}/*" }, supersede: queued }
  - { name: audit, match: { repository: "${ns}/*" } }`,
      false,
    );
    const [webOld = "", auditOld = ""] = await pushToHub(pushgate.url, `${ns}/fast`, "v1");
    const [otherTag = ""] = await pushToHub(pushgate.url, `${ns}/fast`, "v2");
    const [otherRepo = ""] = await pushToHub(pushgate.url, `${ns}/sleep`, "v1");
    const [webNew = "", auditNew = ""] = await pushToHub(pushgate.url, `${ns}/fast`, "v1");

    const old = await waitForRun(pushgate.url, webOld, ["superseded"], 5000);
    expect(old.reason).toBe(`superseded by ${webNew}`);
    for (const id of [auditOld, otherTag, otherRepo, webNew, auditNew]) {
      expect((await waitForRun(pushgate.url, id, ["queued"], 5000)).state).toBe("queued");
    }
    expect(finalStateLines(pushgate.logLines, webOld)).toHaveLength(1);
    expect(pushgate.logLines.filter((l) => l.includes('"state":"superseded"'))).toHaveLength(1);
  });

  it("running: a newer push stops the older run mid-test and removes its container", async () => {
    const pushgate = await start(`pipelines:
  - { name: deploy, match: { repository: "${ns}/long" }, supersede: running, test: { timeout: 90s } }`);
    const [older = ""] = await pushToHub(pushgate.url, `${ns}/long`, "v1");
    await waitForRun(pushgate.url, older, ["testing"]);
    await waitFor("the older run's container", async () =>
      (await containersWith(`pushgate.run=${older}`)).length > 0 ? true : undefined,
    );
    const [newer = ""] = await pushToHub(pushgate.url, `${ns}/long`, "v1");
    const run = await waitForRun(pushgate.url, older, undefined, 30_000);
    expect(run).toMatchObject({ state: "superseded", reason: `superseded by ${newer}` });
    expect(await containersWith(`pushgate.run=${older}`)).toEqual([]);
    expect((await waitForRun(pushgate.url, newer, ["pulling", "testing"])).state).not.toBe(
      "superseded",
    );
  });
});

describe("limits.backlog", () => {
  it("answers 429 with Retry-After past the backlog and records nothing of that delivery", async () => {
    const pushgate = await start(
      `limits: { backlog: 3 }
pipelines:
  - { name: a, match: { repository: "${ns}/*" } }
  - { name: b, match: { repository: "${ns}/fast" } }`,
      false,
    );
    await pushToHub(pushgate.url, `${ns}/sleep`, "v1"); // 1 queued
    const twoRuns = {
      push_data: { tag: "v1", pushed_at: 1_800_000_000 },
      repository: { repo_name: `${ns}/fast` },
    };
    await pushToHub(pushgate.url, `${ns}/fast`, "v9"); // 3 queued
    const refused = await post(
      `${pushgate.url}/dockerhub-webhook/${WEBHOOK_TOKEN}/notify`,
      twoRuns,
    );
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("30");
    expect(refused.json).toMatchObject({ error: "backlog_full" });

    const runs = await readStore(pushgate.dbPath, (store) => store.listRuns({ limit: 100 }));
    expect(runs.map((r) => `${r.event.repository}:${r.event.tag}`).sort()).toEqual(
      [`${ns}/fast:v9`, `${ns}/fast:v9`, `${ns}/sleep:v1`].sort(),
    );
    // Room again: the same delivery sent again is recorded (it was not remembered as seen).
    const fast = await queuedIdsOf(pushgate, `${ns}/fast`);
    for (const id of fast) {
      const cancelled = await post(`${pushgate.url}/api/runs/${id}/cancel`, "", {
        authorization: `Bearer ${API_TOKEN}`,
      });
      expect(cancelled.status).toBe(200);
    }
    const again = await post(`${pushgate.url}/dockerhub-webhook/${WEBHOOK_TOKEN}/notify`, twoRuns);
    expect(again.status).toBe(202);
    expect(again.json.runs).toHaveLength(2);
  });
});

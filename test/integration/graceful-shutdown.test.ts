import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { readStore } from "../support/open-store.js";
import { buildTestImage } from "../support/build-test-image.js";
import { containersWith } from "../support/docker-objects.js";
import { getJson, post } from "../support/http.js";
import { sharedRegistry } from "../support/registry.js";
import { pushToHub, waitForRun } from "../support/runs.js";
import { spawnPushgate, type SpawnedPushgate } from "../support/spawn-pushgate.js";
import { tempDir, testConfigYaml, WEBHOOK_TOKEN } from "../support/test-config.js";
import { waitFor } from "../support/wait-for.js";

// SIGTERM and SIGINT to the real process while a test container runs.
const ns = `stop-${randomBytes(4).toString("hex")}`;
const processes: SpawnedPushgate[] = [];

const yaml = (dir: string, grace: string) =>
  testConfigYaml(
    dir,
    `registries: [{ host: docker.io, mirror: "${sharedRegistry()}" }]
shutdown: { grace: ${grace} }
pipelines: [{ name: stop, match: { repository: "${ns}/*" }, test: { timeout: 90s } }]
`,
  );

async function spawn(dir: string, grace: string): Promise<SpawnedPushgate> {
  const pushgate = await spawnPushgate(dir, yaml(dir, grace));
  processes.push(pushgate);
  return pushgate;
}

async function testing(pushgate: SpawnedPushgate, runId: string): Promise<void> {
  await waitForRun(pushgate.url, runId, ["testing"]);
  await waitFor("the test container", async () =>
    (await containersWith(`pushgate.run=${runId}`)).length > 0 ? true : undefined,
  );
}

function runIn(dir: string, runId: string) {
  return readStore(join(dir, "pushgate.db"), (store) => store.getRun(runId));
}

beforeAll(async () => {
  await Promise.all([
    buildTestImage({
      reference: `${sharedRegistry()}/${ns}/slow:v1`,
      lines: ['CMD ["sleep", "15"]'],
    }),
    buildTestImage({
      reference: `${sharedRegistry()}/${ns}/short:v1`,
      lines: ['CMD ["sleep", "4"]'],
    }),
  ]);
}, 120_000);
afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.kill("SIGKILL")));
});

describe("SIGTERM while a test runs longer than shutdown.grace", () => {
  it("exits 0 after the grace period, the run requeued with no container, finished after restart", async () => {
    const dir = tempDir();
    const first = await spawn(dir, "1s");
    const [id = ""] = await pushToHub(first.url, `${ns}/slow`, "v1");
    await testing(first, id);

    const signalled = Date.now();
    expect(await first.kill("SIGTERM")).toBe(0);
    // It did not wait for the 15 s test: the grace period (1 s) and the clean-up only.
    expect(Date.now() - signalled).toBeLessThan(12_000);
    // The store was closed cleanly: its write-ahead log is checkpointed and gone.
    expect(existsSync(join(dir, "pushgate.db-wal"))).toBe(false);
    expect(first.output.at(-1)).toContain('"message":"stopped"');
    expect(await containersWith(`pushgate.run=${id}`)).toEqual([]);
    // A graceful stop gives the attempt back: it does not count toward docker.maxAttempts.
    expect(await runIn(dir, id)).toMatchObject({
      state: "queued",
      attempt: 0,
      reason: "requeued: pushgate stopped while testing",
    });

    const second = await spawn(dir, "1s");
    const run = await waitForRun(second.url, id, undefined, 60_000);
    expect(run).toMatchObject({ state: "passed", attempt: 1, reason: null });
  });
});

describe("SIGINT while a test that ends within shutdown.grace runs", () => {
  it("refuses new webhooks (503, Retry-After), lets the test pass, then exits 0", async () => {
    const dir = tempDir();
    const pushgate = await spawn(dir, "30s");
    const [id = ""] = await pushToHub(pushgate.url, `${ns}/short`, "v1");
    await testing(pushgate, id);

    const exited = pushgate.kill("SIGINT");
    await waitFor("the shutdown to begin", () =>
      pushgate.output.some((l) => l.includes('"message":"shutting down"')) ? true : undefined,
    );
    const refused = await post(`${pushgate.url}/dockerhub-webhook/${WEBHOOK_TOKEN}/notify`, {
      push_data: { tag: "v2", pushed_at: 1_700_000_000 },
      repository: { repo_name: `${ns}/short` },
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("10");
    expect(refused.json).toMatchObject({ error: "shutting_down" });
    const ready = await getJson(`${pushgate.url}/readyz`);
    expect(ready).toMatchObject({ status: 503, json: { status: "stopping" } });

    expect(await exited).toBe(0);
    expect(await runIn(dir, id)).toMatchObject({ state: "passed", attempt: 1 });
    expect((await runIn(dir, id))?.reason).toBeUndefined();
    const runs = await readStore(join(dir, "pushgate.db"), (store) =>
      store.listRuns({ limit: 10 }),
    );
    expect(runs.map((r) => r.id)).toEqual([id]);
    expect(await containersWith(`pushgate.run=${id}`)).toEqual([]);
  });
});

describe("Ctrl-C twice while a test runs (a person at the terminal)", () => {
  it("says what the first waits for; the second removes the test container, requeues the run and exits 130", async () => {
    const dir = tempDir();
    const pushgate = await spawn(dir, "30s");
    const [id = ""] = await pushToHub(pushgate.url, `${ns}/slow`, "v1");
    await testing(pushgate, id);

    const exited = pushgate.kill("SIGINT");
    await waitFor("the first Ctrl-C's message", () =>
      pushgate.output.find((line) => line.startsWith("stopping: ")),
    );
    expect(pushgate.output).toContain(
      "stopping: waiting up to 30s for 1 running test (Ctrl-C again to stop now)",
    );
    const signalled = Date.now();
    pushgate.process.kill("SIGINT");
    expect(await exited).toBe(130);
    // It did not wait out the 30 s grace, nor the 15 s test.
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(pushgate.output).toContain(
      "stopping now: removing 1 running test; their runs go back to the queue",
    );
    expect(await containersWith(`pushgate.run=${id}`)).toEqual([]);
    expect(await runIn(dir, id)).toMatchObject({
      state: "queued",
      reason: "requeued: pushgate stopped while testing",
    });
  });
});

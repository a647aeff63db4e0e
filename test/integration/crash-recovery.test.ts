import { randomBytes } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { readStore } from "../support/open-store.js";
import { buildTestImage } from "../support/build-test-image.js";
import { containersWith } from "../support/docker-objects.js";
import { getJson, post } from "../support/http.js";
import { startHttpReceiver, type HttpReceiver } from "../support/http-receiver.js";
import { sharedRegistry } from "../support/registry.js";
import { finalStateLines, pushToHub, waitForRun } from "../support/runs.js";
import { spawnPushgate, type SpawnedPushgate } from "../support/spawn-pushgate.js";
import { API_TOKEN, tempDir, testConfigYaml, WEBHOOK_TOKEN } from "../support/test-config.js";
import { waitFor } from "../support/wait-for.js";

// kill -9 of the real process at awkward moments, then a restart on the same store.
const ns = `crash-${randomBytes(4).toString("hex")}`;
const processes: SpawnedPushgate[] = [];
const receivers: HttpReceiver[] = [];

const yaml = (dir: string, extra = "", pipelines = "") =>
  testConfigYaml(
    dir,
    `registries: [{ host: docker.io, mirror: "${sharedRegistry()}" }]
docker: { concurrency: 2${extra} }
actions: { timeout: 60s, attempts: 1 }
pipelines:
${pipelines}  - name: crash
    match: { repository: ["${ns}/sleep", "${ns}/long", "${ns}/fast"] }
    test: { timeout: 90s }
`,
  );

async function spawn(dir: string, extra = "", pipelines = ""): Promise<SpawnedPushgate> {
  const pushgate = await spawnPushgate(dir, yaml(dir, extra, pipelines));
  processes.push(pushgate);
  return pushgate;
}

const containerOf = (runId: string) =>
  waitFor(`the test container of ${runId}`, async () =>
    (await containersWith(`pushgate.run=${runId}`)).length > 0 ? true : undefined,
  );

beforeAll(async () => {
  await Promise.all([
    buildTestImage({
      reference: `${sharedRegistry()}/${ns}/sleep:v1`,
      lines: ['CMD ["sleep", "4"]'],
    }),
    buildTestImage({
      reference: `${sharedRegistry()}/${ns}/long:v1`,
      lines: ['CMD ["sleep", "60"]'],
    }),
    buildTestImage({ reference: `${sharedRegistry()}/${ns}/fast:v1`, lines: ['CMD ["true"]'] }),
    buildTestImage({ reference: `${sharedRegistry()}/${ns}/acting:v1`, lines: ['CMD ["true"]'] }),
  ]);
}, 120_000);
afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.kill("SIGTERM")));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

describe("SIGKILL mid-test, then a restart", () => {
  it("removes the leftover container and completes the run once, as attempt 2", async () => {
    const dir = tempDir();
    const first = await spawn(dir);
    const [id = ""] = await pushToHub(first.url, `${ns}/sleep`, "v1");
    await waitForRun(first.url, id, ["testing"]);
    await containerOf(id);
    await first.kill("SIGKILL");
    // Nothing ran to clean up: the container outlives the process.
    expect(await containersWith(`pushgate.run=${id}`)).toHaveLength(1);

    const second = await spawn(dir);
    const run = await waitForRun(second.url, id);
    expect(run).toMatchObject({ state: "passed", attempt: 2, exitCode: 0 });
    expect(await containersWith(`pushgate.run=${id}`)).toEqual([]);
    expect(finalStateLines([...first.output, ...second.output], id)).toHaveLength(1);
    expect(
      second.output.some((l) => l.includes("requeued: pushgate restarted while testing")),
    ).toBe(true);
  });

  it("ends a run errored once pushgate restarted docker.maxAttempts times during it", async () => {
    const dir = tempDir();
    let current = await spawn(dir, ", maxAttempts: 2");
    const [id = ""] = await pushToHub(current.url, `${ns}/long`, "v1");
    for (let attempt = 1; attempt <= 2; attempt++) {
      if (attempt > 1) current = await spawn(dir, ", maxAttempts: 2");
      const url = current.url;
      await waitFor(`attempt ${attempt} testing`, async () => {
        const { json } = await getJson(`${url}/api/runs/${id}`, API_TOKEN);
        return json.state === "testing" && json.attempt === attempt ? true : undefined;
      });
      await containerOf(id);
      await current.kill("SIGKILL");
    }
    const third = await spawn(dir, ", maxAttempts: 2");
    const run = await waitForRun(third.url, id);
    expect(run).toMatchObject({
      state: "errored",
      attempt: 2,
      reason: "pushgate restarted 2 times during this run (docker.maxAttempts: 2)",
    });
    await waitFor("the leftover container to be reaped", async () =>
      (await containersWith(`pushgate.run=${id}`)).length === 0 ? true : undefined,
    );
  });
});

describe("SIGKILL while a run's actions are being sent", () => {
  it("sends again, after the restart, only the actions not confirmed done", async () => {
    const [first, second] = [await startHttpReceiver(), await startHttpReceiver()];
    receivers.push(first, second);
    const pipelines = `  - name: acting
    match: { repository: "${ns}/acting" }
    test: { timeout: 30s }
    on:
      success:
        - webhook: { url: "${first.url}/first" }
        - webhook: { url: "${second.url}/second" }
`;
    const dir = tempDir();
    second.answerNext(0); // the second action's call hangs: pushgate is killed meanwhile
    const crashed = await spawn(dir, "", pipelines);
    const [id = ""] = await pushToHub(crashed.url, `${ns}/acting`, "v1");
    await waitFor("the second action's call", () =>
      second.requests.length > 0 ? true : undefined,
    );
    await crashed.kill("SIGKILL");

    const restarted = await spawn(dir, "", pipelines);
    const run = await waitForRun(restarted.url, id);
    expect(run).toMatchObject({ state: "passed", attempt: 1 });
    expect(first.requests.map((r) => r.path)).toEqual(["/first"]);
    expect(second.requests.map((r) => r.path)).toEqual(["/second", "/second"]);
    expect(second.requests.map((r) => r.headers["x-pushgate-run-id"])).toEqual([id, id]);
    const { json } = await getJson(`${restarted.url}/api/runs/${id}`, API_TOKEN);
    expect((json.actions as { state: string }[]).map((a) => a.state)).toEqual(["done", "done"]);
    expect(finalStateLines([...crashed.output, ...restarted.output], id)).toHaveLength(1);
  });
});

describe("SIGKILL in the middle of a burst of webhooks", () => {
  it("keeps every delivery it answered 202, and runs each to completion exactly once", async () => {
    const dir = tempDir();
    const first = await spawn(dir);
    const accepted: string[] = [];
    let answered = 0;
    const killed = new Promise<void>((resolve) => {
      const sends = Array.from({ length: 40 }, (_, i) =>
        post(`${first.url}/dockerhub-webhook/${WEBHOOK_TOKEN}/notify`, {
          push_data: { tag: "v1", pushed_at: 1_900_000_000 + i },
          repository: { repo_name: `${ns}/fast` },
        }).then(
          ({ status, json }) => {
            if (status === 202) accepted.push(...(json.runs as string[]));
            if (++answered === 20) void first.kill("SIGKILL").then(() => resolve());
          },
          () => undefined, // the connection died with the process: not accepted
        ),
      );
      void Promise.all(sends).then(() => resolve());
    });
    await killed;
    await first.kill("SIGKILL");
    expect(accepted.length).toBeGreaterThanOrEqual(20);

    const second = await spawn(dir);
    // Deliveries recorded but not answered before the kill are run too.
    const runs = await readStore(`${dir}/pushgate.db`, (store) => store.listRuns({ limit: 100 }));
    const recorded = runs.map((r) => r.id);
    expect(recorded).toEqual(expect.arrayContaining(accepted));
    for (const id of recorded) {
      expect((await waitForRun(second.url, id)).state).toBe("passed");
      expect(finalStateLines([...first.output, ...second.output], id)).toHaveLength(1);
    }
  });
});

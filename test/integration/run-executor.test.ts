import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load-config.js";
import { createDocker } from "../../src/docker/create-docker.js";
import { EngineCalls } from "../../src/docker/engine-calls.js";
import { ImageClient } from "../../src/docker/image-client.js";
import { ImageFiles } from "../../src/docker/image-files.js";
import { ComposeTestRunner } from "../../src/docker/compose-test-runner.js";
import { RunServices } from "../../src/docker/run-services.js";
import { TestContainer } from "../../src/docker/test-container.js";
import { createLogger } from "../../src/observability/logger.js";
import { createRunExecutor } from "../../src/pipeline/execute-run.js";
import type { PerformActions, RunOutcome } from "../../src/pipeline/outcome.js";
import { Scheduler } from "../../src/pipeline/scheduler.js";
import { dedupeKeyOf } from "../../src/sources/push-event.js";
import { SqliteRunStore } from "../../src/store/sqlite/sqlite-run-store.js";
import type { RunRecord } from "../../src/store/run-store.js";
import { buildTestImage } from "../support/build-test-image.js";
import { containersWith, recordInstance } from "../support/docker-objects.js";
import { sharedRegistry } from "../support/registry.js";
import { tempDir, testConfigYaml } from "../support/test-config.js";

// The scheduler and executor on their own, with the real engine and registry: pushes from
// a registry other than Docker Hub, cancellation, actions, concurrency.
const ns = `runner-${randomBytes(4).toString("hex")}`;
const host = process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock";
const docker = createDocker(host);
const calls = new EngineCalls(host, 60_000);
const schedulers: Scheduler[] = [];
const stores: SqliteRunStore[] = [];

beforeAll(async () => {
  await Promise.all(
    [
      ["pass", 'CMD ["sh", "-c", "echo ok"]'],
      ["slow", 'CMD ["sleep", "30"]'],
      ["short", 'CMD ["sleep", "1"]'],
    ].map(([name, line]) =>
      buildTestImage({ reference: `${sharedRegistry()}/${ns}/${name}:v1`, lines: [line ?? ""] }),
    ),
  );
}, 120_000);
afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((s) => s.stop()));
  for (const store of stores.splice(0)) await store.close();
});

async function setUp(options: { concurrency?: number; performActions?: PerformActions } = {}) {
  const dir = tempDir();
  const config = parseConfig(
    // Actions for every verdict: a run goes through `acting` only when it has some. The
    // tests that want them pass a performActions of their own; nothing is sent anywhere.
    testConfigYaml(
      dir,
      `pipelines:
  - name: t
    match: { repository: "**" }
    on:
      success: [{ webhook: { url: "http://127.0.0.1:9/passed" } }]
      failure: [{ webhook: { url: "http://127.0.0.1:9/failed" } }]
      error: [{ webhook: { url: "http://127.0.0.1:9/errored" } }]
`,
    ),
    {},
  );
  const store = new SqliteRunStore(join(dir, "pushgate.db"));
  stores.push(store);
  const instanceId = await store.instanceId();
  recordInstance(instanceId);
  const logger = createLogger({ level: "debug", secrets: [], stream: new PassThrough() });
  const executor = createRunExecutor({
    store,
    images: new ImageClient(docker, calls),
    tests: new TestContainer(docker, calls),
    imageFiles: new ImageFiles(docker, calls),
    composer: new ComposeTestRunner(docker, calls),
    services: (owner) => new RunServices(docker, calls, owner),
    pipelines: config.pipelines,
    registries: config.registries,
    pullTimeoutMs: 30_000,
    maxAttempts: 3,
    instanceId,
    logger,
    ...(options.performActions ? { performActions: options.performActions } : {}),
  });
  const scheduler = new Scheduler({
    lease: { owner: "test/1", engine: "unix:///test", ms: 30_000 },
    previousSelf: "",
    store,
    executor,
    concurrency: options.concurrency ?? 2,
    pipelines: config.pipelines,
    logger,
  });
  schedulers.push(scheduler);
  const queue = async (name: string, tag = "v1"): Promise<string> => {
    const event = {
      source: "registry" as const,
      registry: sharedRegistry(),
      repository: `${ns}/${name}`,
      tag,
      pushedAt: new Date(Date.now() + Math.random() * 1e6),
    };
    const [outcome] = await store.accept(
      [{ event, dedupeKey: dedupeKeyOf(event), pipelines: ["t"] }],
      new Date(),
    );
    return outcome?.kind === "recorded" ? (outcome.runIds[0] ?? "") : "";
  };
  const until = async (id: string, states: string[]): Promise<RunRecord> => {
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline) {
      const run = await store.getRun(id);
      if (run && states.includes(run.state)) return run;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`run ${id} is ${(await store.getRun(id))?.state ?? "missing"}`);
  };
  return { store, scheduler, queue, until };
}

const FINAL = ["passed", "failed", "errored", "cancelled"];

describe("runs of a push to a registry other than Docker Hub", () => {
  it("pull host:port/repository:tag directly and pass", async () => {
    const { scheduler, queue, until } = await setUp();
    const id = await queue("pass");
    await scheduler.start();
    const run = await until(id, FINAL);
    expect(run).toMatchObject({ state: "passed", exitCode: 0 });
    // The container, removed while the verdict was stored, is gone by the final state.
    expect(await containersWith(`pushgate.run=${id}`)).toEqual([]);
    for (const part of ["test.create", "test.start", "test.wait", "test.remove"]) {
      expect(run.steps[part]?.ms, part).toBeGreaterThanOrEqual(0);
    }
  });
});

describe("cancelling", () => {
  it("a run mid-test kills and removes its container and ends it cancelled", async () => {
    const { scheduler, queue, until } = await setUp();
    const id = await queue("slow");
    await scheduler.start();
    await until(id, ["testing"]);
    const deadline = Date.now() + 30_000;
    while ((await containersWith(`pushgate.run=${id}`)).length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const cancelledAt = Date.now();
    expect(await scheduler.cancel(id)).toMatchObject({ kind: "cancelled" });
    expect(await until(id, FINAL)).toMatchObject({ state: "cancelled", reason: "cancelled" });
    // Killed, not left to finish its 30 s sleep.
    expect(Date.now() - cancelledAt).toBeLessThan(20_000);
    expect(await containersWith(`pushgate.run=${id}`)).toEqual([]);
  });

  it("a queued run ends it cancelled without running it", async () => {
    const { scheduler, store, queue } = await setUp();
    const id = await queue("pass");
    expect(await scheduler.cancel(id)).toMatchObject({ kind: "cancelled" });
    await scheduler.start();
    expect(await store.getRun(id)).toMatchObject({ state: "cancelled", attempt: 0 });
    expect(await scheduler.cancel(id)).toMatchObject({ kind: "refused" });
  });
});

describe("with actions", () => {
  it("stores the verdict before the actions run, then ends in the verdict", async () => {
    const seen: { state: string; verdict?: string; outcome: RunOutcome }[] = [];
    const { store, scheduler, queue, until } = await setUp({
      performActions: async (outcome) => {
        const run = await store.getRun(outcome.run.id);
        seen.push({ state: run?.state ?? "", verdict: run?.verdict ?? "", outcome });
      },
    });
    const passed = await queue("pass");
    const missing = await queue("pass", "v404");
    await scheduler.start();
    expect(await until(passed, FINAL)).toMatchObject({ state: "passed", verdict: "passed" });
    expect(await until(missing, FINAL)).toMatchObject({ state: "errored", verdict: "errored" });
    const byId = new Map(seen.map((s) => [s.outcome.run.id, s]));
    expect(byId.get(passed)).toMatchObject({ state: "acting", verdict: "passed" });
    expect(byId.get(passed)?.outcome.imageDigest).toMatch(
      new RegExp(`^${sharedRegistry()}/${ns}/pass@sha256:[a-f0-9]{64}$`),
    );
    expect(byId.get(missing)).toMatchObject({ state: "acting", verdict: "errored" });
    expect(byId.get(missing)?.outcome.reason).toMatch(/^image not found/);
    expect((await store.getRun(passed))?.steps.actions?.ms).toBeGreaterThanOrEqual(0);
  });

  it("resumes the actions of a run left acting by a previous process", async () => {
    const resumed: string[] = [];
    const { store, scheduler, queue, until } = await setUp({
      performActions: (outcome) => {
        resumed.push(`${outcome.run.id}:${outcome.verdict}`);
        return Promise.resolve();
      },
    });
    const id = await queue("pass");
    await store.transition(id, ["queued"], "pulling");
    await store.transition(id, ["pulling"], "acting", { verdict: "failed", reason: "exit code 1" });
    await scheduler.start();
    expect(await until(id, FINAL)).toMatchObject({ state: "failed", reason: "exit code 1" });
    expect(resumed).toEqual([`${id}:failed`]);
  });
});

describe("concurrency", () => {
  it("runs no more than docker.concurrency tests at once, oldest first", async () => {
    const { scheduler, queue, until } = await setUp({ concurrency: 1 });
    const ids = [await queue("short"), await queue("short"), await queue("short")];
    await scheduler.start();
    const runs = [];
    for (const id of ids) runs.push(await until(id, FINAL));
    for (let i = 1; i < runs.length; i++) {
      const previousEnd = runs[i - 1]?.finishedAt?.getTime() ?? Infinity;
      const start = new Date(runs[i]?.steps.pull?.startedAt ?? 0).getTime();
      expect(start).toBeGreaterThanOrEqual(previousEnd);
    }
  });
});

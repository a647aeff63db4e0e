import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import type { PipelineConfig } from "../../../src/config/config.js";
import { DockerError } from "../../../src/docker/docker-error.js";
import { createLogger } from "../../../src/observability/logger.js";
import { createRunExecutor, type ExecuteRunDeps } from "../../../src/pipeline/execute-run.js";
import { LiveOutput } from "../../../src/pipeline/live-output.js";
import type { RunObserver } from "../../../src/pipeline/move-run.js";
import type { PerformActions, RunOutcome } from "../../../src/pipeline/outcome.js";
import type { RunState } from "../../../src/pipeline/run-states.js";
import { Scheduler } from "../../../src/pipeline/scheduler.js";
import { dedupeKeyOf } from "../../../src/sources/push-event.js";
import type { RunRecord } from "../../../src/store/run-store.js";
import { SqliteRunStore } from "../../../src/store/sqlite/sqlite-run-store.js";
import { FailingStore } from "../../support/failing-store.js";
import { DIGEST, pipelineWith } from "../../support/outcomes.js";
import { waitFor } from "../../support/wait-for.js";

// The executor under the scheduler, with the real store and an engine standing in for
// Docker: a pull answers at once with DIGEST (a tag "missing" is not found), a test prints
// which attempt it is and exits 0.
const stores: SqliteRunStore[] = [];
const schedulers: Scheduler[] = [];
afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((s) => s.stop()));
  for (const store of stores.splice(0)) await store.close();
});

const FINAL: RunState[] = ["passed", "failed", "errored", "cancelled", "superseded"];
const webhook = { webhook: { url: "http://127.0.0.1:9/hook", headers: {} } };

/**
 * `tested`: the runs the stand-in engine tested, in order; `onTest` is told of each;
 * `removal`, when set, is the removal of each test container, handed to the run to wait for.
 */
function standInEngine() {
  const tested: string[] = [];
  const hooks: { onTest: () => void; removal?: () => Promise<void> } = {
    onTest: (): void => undefined,
  };
  const images: ExecuteRunDeps["images"] = {
    pull: (target) =>
      target.reference.endsWith(":missing")
        ? Promise.reject(new DockerError("image_not_found", `image not found: ${target.reference}`))
        : Promise.resolve({ id: `sha256:${"1".repeat(64)}`, digest: DIGEST }),
    facts: () => Promise.resolve({ hasCommand: true, workingDir: "/", source: {} }),
  };
  const tests: ExecuteRunDeps["tests"] = {
    run: (spec) => {
      tested.push(spec.owner.runId);
      hooks.onTest();
      spec.onOutput("stdout", Buffer.from(`attempt ${spec.owner.attempt}\n`));
      if (hooks.removal) spec.removeLater?.(hooks.removal());
      return Promise.resolve({ exitCode: 0, timedOut: false, oomKilled: false });
    },
  };
  const services: ExecuteRunDeps["services"] = () => ({
    start: () => Promise.resolve(),
    remove: () => Promise.resolve(),
    networkName: undefined,
  });
  const unused = () => Promise.reject(new Error("no compose test in these runs"));
  const imageFiles: ExecuteRunDeps["imageFiles"] = { read: unused };
  const composer: ExecuteRunDeps["composer"] = { run: unused };
  return { tested, hooks, images, tests, services, imageFiles, composer };
}

function setUp(
  options: {
    pipeline?: PipelineConfig;
    performActions?: PerformActions;
    concurrency?: number;
  } = {},
) {
  const store = new SqliteRunStore(":memory:");
  stores.push(store);
  // What pushgate writes through; `store` reads what was written.
  const failing = new FailingStore(store);
  const logLines: string[] = [];
  const logStream = new PassThrough();
  logStream.on("data", (chunk: Buffer) =>
    logLines.push(...chunk.toString().split("\n").filter(Boolean)),
  );
  const logger = createLogger({ level: "info", secrets: [], stream: logStream });
  const pipeline = options.pipeline ?? pipelineWith();
  const live = new LiveOutput();
  const observe: RunObserver = (moved) => live.moved(moved.runId, moved.to);
  const engine = standInEngine();
  const executor = createRunExecutor({
    store: failing.store,
    images: engine.images,
    tests: engine.tests,
    services: engine.services,
    imageFiles: engine.imageFiles,
    composer: engine.composer,
    pipelines: [pipeline],
    registries: [],
    pullTimeoutMs: 10_000,
    maxAttempts: 3,
    instanceId: "0123456789abcdef",
    logger,
    ...(options.performActions ? { performActions: options.performActions } : {}),
    live,
    observe,
  });
  const schedule = () => {
    const scheduler = new Scheduler({
      lease: { owner: "test/1", engine: "unix:///test", ms: 30_000 },
      previousSelf: "",
      store: failing.store,
      executor,
      concurrency: options.concurrency ?? 2,
      pipelines: [pipeline],
      logger,
      observe,
    });
    schedulers.push(scheduler);
    return scheduler;
  };
  const scheduler = schedule();
  let pushes = 0;
  const queue = async (tag: string): Promise<string> => {
    const event = {
      source: "registry" as const,
      registry: "127.0.0.1:5000",
      repository: "acme/web",
      tag,
      pushedAt: new Date(1_700_000_000_000 + pushes++),
    };
    const [outcome] = await store.accept(
      [{ event, dedupeKey: dedupeKeyOf(event), pipelines: [pipeline.name] }],
      new Date(),
    );
    const id = outcome?.kind === "recorded" ? (outcome.runIds[0] ?? "") : "";
    await scheduler.notify([{ id, pipeline: pipeline.name }]);
    return id;
  };
  const until = (id: string, states: RunState[]): Promise<RunRecord> =>
    waitFor(
      `run ${id} to be ${states.join(" or ")}`,
      async () => {
        const run = await store.getRun(id);
        return run && states.includes(run.state) ? run : undefined;
      },
      5000,
    );
  const errorsLogged = () => logLines.filter((line) => line.includes(`"level":"error"`));
  return { store, failing, scheduler, schedule, live, engine, errorsLogged, queue, until };
}

describe("a new attempt", () => {
  it("starts with neither the digest nor the output of an earlier one", async () => {
    const outcomes: RunOutcome[] = [];
    const { store, scheduler, queue, until } = setUp({
      pipeline: pipelineWith({ error: [webhook] }),
      performActions: (outcome) => {
        outcomes.push(outcome);
        return Promise.resolve();
      },
    });
    const id = await queue("missing");
    // What attempt 1 left when pushgate was killed mid-test: its digest and its output.
    await store.transition(id, ["queued"], "testing", {
      attempt: 1,
      imageDigest: `sha256:${"a".repeat(64)}`,
    });
    await store.saveOutput(id, {
      head: [{ stream: "stdout", text: "attempt 1\n" }],
      tail: [],
      totalBytes: 10,
      droppedBytes: 0,
    });
    await scheduler.start(); // requeues it; attempt 2 cannot pull the image

    const run = await until(id, FINAL);
    expect(run).toMatchObject({ state: "errored", attempt: 2 });
    expect(run.reason).toMatch(/^image not found/);
    expect(run.imageDigest).toBeUndefined();
    expect(await store.getOutput(id)).toBeUndefined();
    expect(outcomes.map((o) => [o.verdict, o.imageDigest, o.run.imageDigest])).toEqual([
      ["errored", undefined, undefined],
    ]);
  });
});

describe("a store write that fails", () => {
  it("ends the run errored saying so, tells its followers and frees its slot", async () => {
    const { store, failing, scheduler, live, queue, until, errorsLogged } = setUp({
      concurrency: 1,
    });
    failing.failNext("saveOutput");
    const id = await queue("v1");
    const next = await queue("v2");
    const followed: string[] = [];
    live.follow(id, {
      output: () => undefined,
      state: (state) => followed.push(state),
      close: () => undefined,
    });
    await scheduler.start();

    const run = await until(id, FINAL);
    expect(run).toMatchObject({
      state: "errored",
      verdict: "errored",
      reason: "pushgate could not record the run: store unavailable: database or disk is full",
    });
    expect(Object.values(run.steps).map((step) => step.finishedAt !== undefined)).toEqual([true]);
    expect(followed.at(-1)).toBe("errored");
    expect(live.snapshot(id)).toBeUndefined();
    expect(await scheduler.cancel(id)).toMatchObject({
      kind: "refused",
      run: { state: "errored" },
    });
    expect(await until(next, FINAL)).toMatchObject({ state: "passed" });
    expect([await store.countRuns("testing"), scheduler.executingCount()]).toEqual([0, 0]);
    expect(errorsLogged()).toHaveLength(1);
  });

  it("leaves a run it cannot end either to the next start, logging that once", async () => {
    const { store, failing, scheduler, schedule, engine, queue, until, errorsLogged } = setUp();
    engine.hooks.onTest = () => failing.fill(); // the disk fills up during the test
    const id = await queue("v1");
    await scheduler.start();

    const [logged] = await waitFor("the failure to be logged", () =>
      errorsLogged().length > 0 ? errorsLogged() : undefined,
    );
    expect(logged).toContain(id);
    expect(logged).toContain("left for the next start to requeue");
    expect((await store.getRun(id))?.state).toBe("testing");
    expect(scheduler.executingCount()).toBe(0);
    await scheduler.stop();
    expect(errorsLogged()).toHaveLength(1);

    failing.free();
    engine.hooks.onTest = () => undefined;
    await schedule().start();
    expect(await until(id, FINAL)).toMatchObject({ state: "passed", attempt: 2 });
  });
});

describe("a run sending its actions", () => {
  it.each([
    ["docker.concurrency", { concurrency: 1, pipeline: pipelineWith({ success: [webhook] }) }],
    [
      "the pipeline's concurrency",
      { concurrency: 4, pipeline: { ...pipelineWith({ success: [webhook] }), concurrency: 1 } },
    ],
  ])("holds no test slot of %s: the next queued run is pulled and tested", async (_, limits) => {
    const { store, scheduler, engine, queue, until } = setUp({
      ...limits,
      // The first run's action (a Jenkins build waited for) does not end until pushgate stops.
      performActions: (outcome, signal) =>
        outcome.run.event.tag === "v1"
          ? new Promise((resolve) => signal.addEventListener("abort", () => resolve()))
          : Promise.resolve(),
    });
    const first = await queue("v1");
    const second = await queue("v2");
    await scheduler.start();

    expect(await until(second, FINAL)).toMatchObject({ state: "passed" });
    expect(engine.tested).toEqual([first, second]);
    expect((await store.getRun(first))?.state).toBe("acting");
    expect([scheduler.executingCount(), scheduler.isActive(first)]).toEqual([0, true]);
    // Its verdict stands: it cannot be cancelled; a stop interrupts its actions, to resume.
    expect(await scheduler.cancel(first)).toMatchObject({
      kind: "refused",
      run: { state: "acting" },
    });
    await scheduler.stop();
    expect(await store.getRun(first)).toMatchObject({ state: "acting", verdict: "passed" });
  });
});

describe("a test container still being removed", () => {
  /** A removal that ends when `done` is called. */
  const slowRemoval = () => {
    let done = (): void => undefined;
    const removal = new Promise<void>((resolve) => (done = resolve));
    return { removal, done: () => done() };
  };

  it("does not hold back the verdict or the actions, only the run's final state", async () => {
    const acted: RunState[] = [];
    const { store, scheduler, engine, queue, until } = setUp({
      pipeline: pipelineWith({ success: [webhook] }),
      performActions: async (outcome) => {
        acted.push((await store.getRun(outcome.run.id))?.state ?? "queued");
      },
    });
    const container = slowRemoval();
    engine.hooks.removal = () => container.removal;
    const id = await queue("v1");
    await scheduler.start();

    await waitFor("the actions", () => (acted.length > 0 ? acted : undefined));
    expect(acted).toEqual(["acting"]);
    expect(await store.getRun(id)).toMatchObject({ state: "acting", verdict: "passed" });
    expect(scheduler.isActive(id)).toBe(true);
    container.done();
    expect(await until(id, FINAL)).toMatchObject({ state: "passed" });
    await waitFor("the run to be over", () => (scheduler.isActive(id) ? undefined : true));
  });

  it("holds back the final state of a run without actions until it is gone", async () => {
    const { store, scheduler, engine, queue, until } = setUp();
    const container = slowRemoval();
    let asked = false;
    engine.hooks.removal = () => {
      asked = true;
      return container.removal;
    };
    const id = await queue("v1");
    await scheduler.start();

    await waitFor("the removal", () => (asked ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await store.getRun(id))?.state).toBe("testing");
    container.done();
    expect(await until(id, FINAL)).toMatchObject({ state: "passed" });
  });

  it("is waited for by a stop that interrupts the actions", async () => {
    const { store, scheduler, engine, queue } = setUp({
      pipeline: pipelineWith({ success: [webhook] }),
      performActions: (_, signal) =>
        new Promise((resolve) => signal.addEventListener("abort", () => resolve())),
    });
    const container = slowRemoval();
    engine.hooks.removal = () => container.removal;
    const id = await queue("v1");
    await scheduler.start();
    await waitFor("the verdict", async () =>
      (await store.getRun(id))?.state === "acting" ? true : undefined,
    );

    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    container.done();
    await stopping;
    expect(await store.getRun(id)).toMatchObject({ state: "acting", verdict: "passed" });
  });
});

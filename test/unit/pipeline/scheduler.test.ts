import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import type { PipelineConfig } from "../../../src/config/config.js";
import { createLogger } from "../../../src/observability/logger.js";
import type { RunExecutor } from "../../../src/pipeline/execute-run.js";
import { RunAbort, abortKindOf } from "../../../src/pipeline/run-abort.js";
import type { RunState } from "../../../src/pipeline/run-states.js";
import { Scheduler } from "../../../src/pipeline/scheduler.js";
import { dedupeKeyOf } from "../../../src/sources/push-event.js";
import { SqliteRunStore } from "../../../src/store/sqlite/sqlite-run-store.js";

// The scheduler with a stand-in executor that holds each run until the test lets it go.
type Limits = Pick<PipelineConfig, "name" | "concurrency" | "supersede">;
const logger = createLogger({ level: "error", secrets: [], stream: new PassThrough() });
const stores: SqliteRunStore[] = [];
const schedulers: Scheduler[] = [];
afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((s) => s.stop()));
  for (const store of stores.splice(0)) await store.close();
});

/** Lets the scheduler finish what it started: store writes, picks, group commits. */
const idle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
};

const WHERE_ABORTED: Record<string, RunState> = {
  shutdown: "queued",
  cancel: "cancelled",
  supersede: "superseded",
};

function setUp(concurrency: number, pipelines: Limits[]) {
  const store = new SqliteRunStore(":memory:");
  stores.push(store);
  const started: string[] = [];
  const release = new Map<string, () => void>();
  const aborted = new Map<string, RunAbort | undefined>();
  const execute: RunExecutor["execute"] = async (run, signal) => {
    started.push(run.id);
    await store.transition(run.id, ["pulling"], "testing");
    return new Promise<void>((resolve) => {
      release.set(run.id, () => {
        void store.transition(run.id, ["testing"], "passed").then(() => resolve());
      });
      const stop = () => {
        aborted.set(run.id, signal.reason instanceof RunAbort ? signal.reason : undefined);
        const to = WHERE_ABORTED[abortKindOf(signal)] ?? "errored";
        void store.transition(run.id, ["testing"], to).then(() => resolve());
      };
      if (signal.aborted) stop();
      else signal.addEventListener("abort", stop);
    });
  };
  const scheduler = new Scheduler({
    lease: { owner: "test/1", engine: "unix:///test", ms: 30_000 },
    previousSelf: "",
    store,
    executor: { execute, resume: execute, settle: () => Promise.resolve() },
    concurrency,
    pipelines,
    logger,
  });
  schedulers.push(scheduler);
  let pushes = 0;
  const queue = async (pipeline: string, tag = "v1"): Promise<string> => {
    const event = {
      source: "registry" as const,
      registry: "r:5000",
      repository: "acme/app",
      tag,
      pushedAt: new Date(1_700_000_000_000 + pushes++),
    };
    const [outcome] = await store.accept(
      [{ event, dedupeKey: dedupeKeyOf(event), pipelines: [pipeline] }],
      new Date(),
    );
    const id = outcome?.kind === "recorded" ? (outcome.runIds[0] ?? "") : "";
    await scheduler.notify([{ id, pipeline }]);
    await idle();
    return id;
  };
  const finish = async (id: string) => {
    release.get(id)?.();
    await idle();
  };
  const stateOf = async (id: string) => (await store.getRun(id))?.state;
  const start = async () => {
    await scheduler.start();
    await idle();
  };
  return { store, scheduler, started, aborted, queue, finish, stateOf, start };
}

const pipeline = (name: string, more: Partial<Limits> = {}): Limits => ({
  name,
  supersede: false,
  ...more,
});

describe("picking runs", () => {
  it("starts the oldest first within the global limit and each pipeline's own", async () => {
    const { scheduler, started, queue, finish, start } = setUp(3, [
      pipeline("one", { concurrency: 1 }),
      pipeline("other"),
    ]);
    const ones = [await queue("one"), await queue("one"), await queue("one")];
    const others = [await queue("other"), await queue("other"), await queue("other")];
    await start();
    expect(started).toEqual([ones[0], others[0], others[1]]);
    await finish(others[0] ?? "");
    expect(started.at(-1)).toBe(others[2]); // "one" is at its limit: the other pipeline goes on
    await finish(ones[0] ?? "");
    expect(started.at(-1)).toBe(ones[1]);
    expect(scheduler.executingCount()).toBe(3);
  });

  it("puts runs a previous process left mid-test back in the queue at start", async () => {
    const { store, started, queue, start } = setUp(2, [pipeline("web")]);
    const id = await queue("web");
    await store.transition(id, ["queued"], "testing", { attempt: 1 });
    const other = await queue("web");
    await start();
    expect(started).toEqual([id, other]);
    // Requeued, then claimed again as its next attempt.
    expect((await store.getRun(id))?.attempt).toBe(2);
  });
});

describe("stopping", () => {
  it("waits for runs that finish within the grace period and aborts none of them", async () => {
    const { scheduler, aborted, queue, finish, stateOf, start } = setUp(2, [pipeline("web")]);
    await start();
    const id = await queue("web");
    const stopped = scheduler.stop(10_000);
    const waiting = await queue("web"); // recorded while stopping: left queued
    await finish(id);
    await stopped;
    expect([await stateOf(id), await stateOf(waiting), aborted.size]).toEqual([
      "passed",
      "queued",
      0,
    ]);
  });

  it("aborts what is still running when the grace period is over: back to the queue", async () => {
    const { scheduler, aborted, queue, stateOf, start } = setUp(2, [pipeline("web")]);
    await start();
    const id = await queue("web");
    await scheduler.stop(50);
    expect(aborted.get(id)?.kind).toBe("shutdown");
    expect(await stateOf(id)).toBe("queued");
  });
});

describe("cancel", () => {
  it("cancels a queued run, stops a running one, refuses a finished one, knows no other", async () => {
    const { scheduler, aborted, queue, finish, start } = setUp(1, [pipeline("web")]);
    await start();
    const running = await queue("web");
    const waiting = await queue("web");
    expect(await scheduler.cancel(waiting)).toMatchObject({
      kind: "cancelled",
      run: { state: "cancelled" },
    });
    expect(await scheduler.cancel(running)).toMatchObject({ kind: "cancelled" });
    expect(aborted.get(running)?.kind).toBe("cancel");
    const done = await queue("web");
    await finish(done);
    expect(await scheduler.cancel(done)).toMatchObject({
      kind: "refused",
      run: { state: "passed" },
    });
    expect(await scheduler.cancel("01ARZ3NDEKTSV4RRFFQ69G5FAV")).toEqual({ kind: "unknown" });
  });
});

describe("supersede", () => {
  it("queued: a newer push of the same tag supersedes older queued runs of its pipeline only", async () => {
    const { store, started, queue, stateOf, start } = setUp(1, [
      pipeline("web", { supersede: "queued" }),
      pipeline("keep"),
    ]);
    await start();
    const running = await queue("web");
    const older = await queue("web");
    const kept = await queue("keep");
    const otherTag = await queue("web", "v2");
    const newer = await queue("web");
    expect(started).toEqual([running]);
    const states = [older, kept, otherTag, newer].map(stateOf);
    expect(await Promise.all(states)).toEqual(["superseded", "queued", "queued", "queued"]);
    expect((await store.getRun(older))?.reason).toBe(`superseded by ${newer}`);
    expect(await stateOf(running)).toBe("testing");
  });

  it("running: a newer push also stops the run being tested, naming itself", async () => {
    const { aborted, queue, stateOf, start } = setUp(2, [
      pipeline("web", { supersede: "running" }),
    ]);
    await start();
    const older = await queue("web");
    const newer = await queue("web");
    expect(aborted.get(older)).toMatchObject({ kind: "supersede", by: newer });
    expect([await stateOf(older), await stateOf(newer)]).toEqual(["superseded", "testing"]);
  });
});

import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { reapLeftovers } from "../../../src/docker/reap-leftovers.js";
import { EngineCalls } from "../../../src/docker/engine-calls.js";
import { Reaper, type ReaperEngine } from "../../../src/docker/reaper.js";
import { createLogger } from "../../../src/observability/logger.js";

// The reaper over an engine standing in for Docker: unreachable until `up`, then listing a
// container, a network and a volume of a leftover run and of a run in flight, all of this instance.
const INSTANCE = "0123456789abcdef";

function standInEngine() {
  const state = { up: false, lists: 0 };
  const removed: string[] = [];
  const labelled = (id: string, runId: string) => ({
    Id: id,
    Labels: { "pushgate.run": runId, "pushgate.instance": INSTANCE },
  });
  const list = <T>(items: T[]): Promise<T[]> => {
    state.lists += 1;
    return state.up
      ? Promise.resolve(items)
      : Promise.reject(new Error("connect ENOENT /var/run/docker.sock"));
  };
  const engine: ReaperEngine = {
    listContainers: () => list([labelled("c-left", "left"), labelled("c-live", "live")]),
    listNetworks: () => list([labelled("n-left", "left"), labelled("n-live", "live")]),
    getContainer: (id) => ({ id, remove: () => Promise.resolve(removed.push(id)) }),
    getNetwork: (id) => ({ id, remove: () => Promise.resolve(removed.push(id)) }),
    listVolumes: () =>
      list([
        { Name: "v-left", Labels: { "pushgate.run": "left", "pushgate.instance": INSTANCE } },
        { Name: "v-live", Labels: { "pushgate.run": "live", "pushgate.instance": INSTANCE } },
      ]).then((Volumes) => ({ Volumes })),
    getVolume: (name) => ({ name, remove: () => Promise.resolve(removed.push(name)) }),
  };
  return { state, removed, engine };
}

function setUp() {
  const lines: string[] = [];
  const stream = new PassThrough();
  stream.on("data", (chunk: Buffer) => lines.push(...chunk.toString().split("\n").filter(Boolean)));
  const logger = createLogger({ level: "info", secrets: [], stream });
  const stand = standInEngine();
  const reaping = reapLeftovers({
    reaper: new Reaper(
      stand.engine,
      new EngineCalls("unix:///var/run/docker.sock", 5000),
      INSTANCE,
    ),
    isActive: (runId) => runId === "live",
    logger,
    retryMs: 30_000,
  });
  const logged = (text: string) => lines.filter((line) => line.includes(text));
  return { ...stand, reaping, logged };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("reaping leftovers", () => {
  it("tries again every 30 s while the engine is unreachable, sparing runs in flight", async () => {
    const { state, removed, reaping, logged } = setUp();
    await reaping.first;
    expect(logged("could not reap leftovers: trying again every 30s")).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(state.lists).toBe(2);
    expect(removed).toEqual([]);

    state.up = true;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(removed).toEqual(["c-left", "n-left", "v-left"]);
    expect(logged("reaped leftovers")).toHaveLength(1);
    expect(logged('"level":"warn"')).toHaveLength(1);

    // Done: no more tries.
    const lists = state.lists;
    await vi.advanceTimersByTimeAsync(120_000);
    expect(state.lists).toBe(lists);
    await reaping.stop();
  });

  it("stops trying when pushgate stops", async () => {
    const { state, reaping } = setUp();
    await reaping.first;
    await reaping.stop();
    state.up = true;
    await vi.advanceTimersByTimeAsync(120_000);
    expect(state.lists).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

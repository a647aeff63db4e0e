import { describe, expect, it } from "vitest";
import { contractStores, itemOf, push, queue, type StoreFactory } from "./store-factory.js";

/** What the scheduler picks, supersedes and retries. */
export function queueContract(factory: StoreFactory): void {
  const { open } = contractStores(factory);

  describe("the queue", () => {
    it("gives the oldest queued runs of one pipeline, at most as many as asked", async () => {
      const store = await open();
      const [a1 = "", b1 = ""] = await queue(store, push("acme/a", "v1"), ["web", "api"]);
      const [a2 = ""] = await queue(store, push("acme/a", "v2"));
      const [a3 = ""] = await queue(store, push("acme/a", "v3"));
      await store.transition(a1, ["queued"], "pulling");
      const ids = async (pipeline: string, limit: number) =>
        (await store.nextQueued(pipeline, limit)).map((r) => r.id);
      expect(await ids("web", 5)).toEqual([a2, a3]);
      expect(await ids("web", 1)).toEqual([a2]);
      expect(await ids("api", 5)).toEqual([b1]);
      expect(await ids("none", 5)).toEqual([]);
      expect(await store.queuedPipelines()).toEqual(["api", "web"]);
      expect([await store.countRuns("queued"), await store.countRuns("pulling")]).toEqual([3, 1]);
    });

    it("refuses whole a delivery that would pass its backlog, counting those committed with it", async () => {
      const store = await open();
      await queue(store, push("acme/a", "v1"));
      const now = new Date();
      // Accepted together: they share one commit, and each is checked after those before it.
      const outcomes = await Promise.all([
        store.accept([itemOf(push("acme/a", "v5"))], now),
        store.accept([itemOf(push("acme/a", "v2"), ["web", "api"])], now, { backlog: 4 }),
        store.accept([itemOf(push("acme/a", "v3")), itemOf(push("acme/a", "v4"))], now, {
          backlog: 5,
        }),
        store.accept([itemOf(push("acme/a", "v6"))], now, { backlog: 4 }),
      ]);
      expect(outcomes.map((o) => o.map((x) => x.kind))).toEqual([
        ["recorded"],
        ["recorded"],
        ["backlog-full", "backlog-full"],
        ["backlog-full"],
      ]);
      expect(outcomes[2]?.[0]).toEqual({ kind: "backlog-full", backlog: 5 });
      expect(await store.countRuns("queued")).toBe(4);
      const tags = (await store.listRuns({ limit: 10 })).map((r) => r.event.tag).sort();
      expect(tags).toEqual(["v1", "v2", "v2", "v5"]);
      // Nothing of a refused delivery was written: it is not a duplicate once there is room.
      expect(
        (await store.accept([itemOf(push("acme/a", "v6"))], now, { backlog: 5 }))[0]?.kind,
      ).toBe("recorded");
    });

    it("finds the older runs of the same pipeline and image only", async () => {
      const store = await open();
      const [old = "", otherPipeline = ""] = await queue(store, push("acme/a", "v1"), [
        "web",
        "api",
      ]);
      const [testing = ""] = await queue(store, push("acme/a", "v1"));
      await queue(store, push("acme/a", "v2")); // another tag
      await queue(store, push("acme/b", "v1")); // another repository
      await queue(store, push("acme/a", "v1", { registry: "other:5000" })); // another registry
      const [newest = ""] = await queue(store, push("acme/a", "v1"));
      const [after = ""] = await queue(store, push("acme/a", "v1")); // newer than newest
      await store.transition(testing, ["queued"], "testing");
      const older = async (id: string, states: Parameters<typeof store.olderRunsOfImage>[1]) =>
        (await store.olderRunsOfImage(id, states)).map((r) => r.id);

      expect(await older(newest, ["queued"])).toEqual([old]);
      expect(await older(newest, ["queued", "testing"])).toEqual([old, testing]);
      expect(await older(otherPipeline, ["queued"])).toEqual([]);
      expect(await older(after, ["queued"])).toEqual([old, newest]);
      expect(await older(after, [])).toEqual([]);
    });

    it("queues a retry of the same event and pipeline, linked to its original", async () => {
      const store = await open();
      const [id = ""] = await queue(store, push("acme/a", "v1"));
      await store.transition(id, ["queued"], "failed", { reason: "exit code 1", attempt: 1 });
      const retry = (await store.retry(id, new Date("2026-04-01T00:00:00Z"))) ?? "";
      const original = await store.getRun(id);
      expect(await store.getRun(retry)).toMatchObject({
        pipeline: "web",
        state: "queued",
        attempt: 0,
        retryOf: id,
        event: { id: original?.event.id, repository: "acme/a", tag: "v1" },
      });
      expect((await store.getRun(retry))?.createdAt.toISOString()).toBe("2026-04-01T00:00:00.000Z");
      expect(original).toMatchObject({ state: "failed", reason: "exit code 1" });
      expect(original?.retryOf).toBeUndefined();
      // A retry is a run of the image like any other: the next push supersedes it too.
      const [next = ""] = await queue(store, push("acme/a", "v1"));
      expect((await store.olderRunsOfImage(next, ["queued"])).map((r) => r.id)).toEqual([retry]);
      expect(await store.retry("01ARZ3NDEKTSV4RRFFQ69G5FAV", new Date())).toBeUndefined();
    });
  });
}

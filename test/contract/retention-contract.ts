import { describe, expect, it } from "vitest";
import type { PushEvent } from "../../src/sources/push-event.js";
import { contractStores, itemOf, push, queue, type StoreFactory } from "./store-factory.js";

const digest = (c: string) => `sha256:${c.repeat(64)}`;

/** Retention: finished runs past the policy go with what hangs on them; dedupe keeps working. */
export function retentionContract(factory: StoreFactory): void {
  const { open } = contractStores(factory);

  describe("retention", () => {
    it("deletes finished runs past both limits, with their output, actions and promotions, in batches", async () => {
      const store = await open();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(...(await queue(store, push("acme/web", `v${i}`))));
      const [queuedRun = ""] = await queue(store, push("acme/web", "v9"));
      const [other = ""] = await queue(store, push("acme/api", "v1"), ["api"]);
      for (const id of [...ids, other]) await store.transition(id, ["queued"], "passed");
      const oldest = ids[0] ?? "";
      await store.saveOutput(oldest, { head: [], tail: [], totalBytes: 0, droppedBytes: 0 });
      await store.planActions(
        oldest,
        [{ id: "success.0", kind: "webhook", target: "x" }],
        new Date(),
      );
      const promotion = { runId: oldest, registry: "127.0.0.1:5000", repository: "acme/web" };
      await store.savePromotion({ ...promotion, tag: "stable", digest: digest("a") }, new Date());
      const retry = (await store.retry(oldest, new Date())) ?? "";

      const future = new Date(Date.now() + 60_000);
      expect(await store.prunable({ before: new Date(0), keepPerPipeline: 2 })).toEqual({
        runs: 0,
        events: 0,
      });
      const policy = { before: future, keepPerPipeline: 2 };
      expect(await store.prunable(policy)).toEqual({ runs: 3, events: 0 });
      expect(await store.prune(policy, 2)).toEqual({ runs: 2, events: 0 });
      expect(await store.prune(policy, 2)).toEqual({ runs: 1, events: 0 });
      expect(await store.prune(policy, 2)).toEqual({ runs: 0, events: 0 });

      const left = (await store.listRuns({ limit: 50 })).map((r) => r.id).sort();
      expect(left).toEqual([ids[3], ids[4], queuedRun, other, retry].sort());
      expect(await store.getOutput(oldest)).toBeUndefined();
      expect(await store.listActions(oldest)).toEqual([]);
      expect(await store.listPromotions(oldest)).toEqual([]);
      expect((await store.getRun(retry))?.retryOf).toBeUndefined();
      // Only the age limit: every finished run older than it goes, the queued ones stay.
      expect(await store.prunable({ before: future })).toEqual({ runs: 3, events: 0 });
    });

    it("keeps the events the heads point at, so a delivery seen before is still a duplicate", async () => {
      const store = await open();
      const at = (tag: string, d: string): PushEvent =>
        push("team/app", tag, { digest: digest(d), pushedAt: new Date("2026-03-01T10:00:00Z") });
      const [a = ""] = await queue(store, at("latest", "a"));
      const [b = ""] = await queue(store, at("latest", "b"));
      for (const id of [a, b]) await store.transition(id, ["queued"], "passed");
      const pruned = await store.prune({ before: new Date(Date.now() + 60_000) }, 100);
      // Both runs go; A's event too (latest now points at B), B's stays: it is the head.
      expect(pruned).toEqual({ runs: 2, events: 1 });
      const kinds = async (event: PushEvent) =>
        (await store.accept([itemOf(event)], new Date())).map((o) => o.kind);
      expect(await kinds(at("latest", "b"))).toEqual(["duplicate"]);
      expect(await kinds(at("latest", "a"))).toEqual(["recorded"]);
    });
  });
}

import { describe, expect, it } from "vitest";
import type { RunStore } from "../../src/store/run-store.js";
import { contractStores, push, queue, type StoreFactory } from "./store-factory.js";

const PLAN = [
  { id: "success.0", kind: "jenkins", target: "deploy/web" },
  { id: "success.1", kind: "slack", target: "https://hooks.slack.com" },
  { id: "callback", kind: "callback", target: "https://registry.hub.docker.com" },
];

/** Outcome actions: planned before sent, every try and result kept, resumable. */
export function actionsContract(factory: StoreFactory): void {
  const { open, reopen } = contractStores(factory);
  const storeWithRun = async (): Promise<{ store: RunStore; runId: string }> => {
    const store = await open();
    const [runId = ""] = await queue(store, push());
    return { store, runId };
  };

  describe("actions", () => {
    it("plans a run's actions as pending, in order", async () => {
      const { store, runId } = await storeWithRun();
      const records = await store.planActions(runId, PLAN, new Date("2026-03-01T00:00:00Z"));
      expect(
        records.map((r) => [r.runId, r.id, r.kind, r.target, r.state, r.position, r.attemptCount]),
      ).toEqual([
        [runId, "success.0", "jenkins", "deploy/web", "pending", 0, 0],
        [runId, "success.1", "slack", "https://hooks.slack.com", "pending", 1, 0],
        [runId, "callback", "callback", "https://registry.hub.docker.com", "pending", 2, 0],
      ]);
      expect(records[0]).toMatchObject({ attempts: [], result: {} });
      expect(records[0]?.createdAt.toISOString()).toBe("2026-03-01T00:00:00.000Z");
      expect((await store.unfinishedActions()).map((r) => r.id)).toEqual([
        "success.0",
        "success.1",
        "callback",
      ]);
      expect(await store.listActions("01ARZ3NDEKTSV4RRFFQ69G5FAV")).toEqual([]);
    });

    it("keeps attempts, merges results and survives a restart", async () => {
      const { store, runId } = await storeWithRun();
      await store.planActions(runId, PLAN, new Date());
      const refused = { at: "t1", ms: 5, error: "connection refused" };
      await store.recordActionAttempt(runId, "success.0", refused, new Date());
      await store.recordActionAttempt(
        runId,
        "success.0",
        { at: "t2", ms: 7, status: 201 },
        new Date(),
      );
      const queued = { state: "sent", result: { queueUrl: "http://j/queue/item/4/" } } as const;
      await store.updateAction(runId, "success.0", queued, new Date());
      const built = { state: "done", result: { buildNumber: 9 } } as const;
      await store.updateAction(runId, "success.0", built, new Date());
      const failed = { state: "failed", error: "HTTP 404: no_team" } as const;
      await store.updateAction(runId, "success.1", failed, new Date());
      // Actions of no run, or not planned, are left alone.
      await store.updateAction(runId, "nothing", { state: "done" }, new Date());
      await store.recordActionAttempt(runId, "nothing", refused, new Date());

      const reopened = await reopen(store);
      const [jenkins, slack, callback] = await reopened.listActions(runId);
      expect(jenkins).toMatchObject({
        state: "done",
        attemptCount: 2,
        attempts: [refused, { at: "t2", ms: 7, status: 201 }],
        result: { queueUrl: "http://j/queue/item/4/", buildNumber: 9 },
      });
      expect(jenkins?.error).toBeUndefined();
      expect(slack).toMatchObject({ state: "failed", error: "HTTP 404: no_team" });
      expect(callback?.state).toBe("pending");
      expect((await reopened.unfinishedActions()).map((r) => r.id)).toEqual(["callback"]);
      await reopened.updateAction(runId, "success.1", { error: null }, new Date());
      expect((await reopened.listActions(runId))[1]).not.toHaveProperty("error");
    });

    it("keeps what a resumed run already did when it plans again", async () => {
      const { store, runId } = await storeWithRun();
      await store.planActions(runId, PLAN, new Date());
      await store.updateAction(runId, "success.0", { state: "done" }, new Date());
      const again = await store.planActions(runId, PLAN, new Date());
      expect(again.map((r) => r.state)).toEqual(["done", "pending", "pending"]);
    });

    it("keeps the latest 20 calls and counts them all", async () => {
      const { store, runId } = await storeWithRun();
      await store.planActions(runId, PLAN.slice(0, 1), new Date());
      for (let i = 0; i < 25; i++) {
        const attempt = { at: `t${i}`, ms: 1, status: 503 };
        await store.recordActionAttempt(runId, "success.0", attempt, new Date());
      }
      const [record] = await store.listActions(runId);
      expect(record?.attemptCount).toBe(25);
      expect(record?.attempts).toHaveLength(20);
      expect(record?.attempts[0]?.at).toBe("t5");
    });

    it("lists unfinished actions of every run, oldest run first", async () => {
      const store = await open();
      const [first = ""] = await queue(store, push());
      const [second = ""] = await queue(store, push());
      await store.planActions(second, PLAN.slice(0, 1), new Date());
      await store.planActions(first, PLAN.slice(0, 2), new Date());
      await store.updateAction(first, "success.0", { state: "sent" }, new Date());
      await store.updateAction(second, "success.0", { state: "refused" }, new Date());
      expect((await store.unfinishedActions()).map((r) => [r.runId, r.id, r.state])).toEqual([
        [first, "success.0", "sent"],
        [first, "success.1", "pending"],
      ]);
    });

    it("refuses actions for a run it does not have", async () => {
      const store = await open();
      await expect(
        store.planActions("01ARZ3NDEKTSV4RRFFQ69G5FAV", PLAN, new Date()),
      ).rejects.toThrow();
    });
  });
}

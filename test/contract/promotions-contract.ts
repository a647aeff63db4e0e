import { describe, expect, it } from "vitest";
import type { AcceptItem, RunStore } from "../../src/store/run-store.js";
import { contractStores, itemOf, push, queue, type StoreFactory } from "./store-factory.js";

const TESTED = `sha256:${"a".repeat(64)}`;
const OTHER = `sha256:${"b".repeat(64)}`;
const REGISTRY = "127.0.0.1:5000";

/** A delivery of acme/web:stable from the registry, with `digest` (none: Docker Hub's way). */
const stable = (digest?: string, since?: Date): AcceptItem => ({
  ...itemOf(push("acme/web", "stable", digest ? { digest } : {})),
  ...(since ? { promotedSince: since } : {}),
});

/** Promotions: what a run pushed, and the deliveries announcing it that start no run. */
export function promotionsContract(factory: StoreFactory): void {
  const { open, reopen } = contractStores(factory);
  const promoted = async (store: RunStore, at: Date, pushedDigest?: string) => {
    const [runId = ""] = await queue(store, push("acme/web", "v1"));
    const promotion = { runId, registry: REGISTRY, repository: "acme/web", tag: "stable" };
    await store.savePromotion({ ...promotion, digest: TESTED }, at);
    if (pushedDigest) await store.savePromotion({ ...promotion, digest: TESTED, pushedDigest }, at);
    return runId;
  };
  const kinds = async (store: RunStore, ...items: AcceptItem[]) => {
    const outcomes = [];
    for (const item of items) outcomes.push(...(await store.accept([item], new Date())));
    return outcomes;
  };

  describe("promotions", () => {
    it("are recorded per tag, updated once pushed, listed in order and kept across a restart", async () => {
      const store = await open();
      const [runId = ""] = await queue(store, push("acme/web", "v1"));
      const base = { runId, registry: REGISTRY, repository: "acme/web", digest: TESTED };
      await store.savePromotion({ ...base, tag: "stable" }, new Date("2026-03-01T00:00:00Z"));
      await store.savePromotion({ ...base, tag: "sha-abc" }, new Date("2026-03-01T00:00:01Z"));
      await store.savePromotion(
        { ...base, tag: "stable", pushedDigest: TESTED },
        new Date("2026-03-01T00:00:02Z"),
      );
      const again = await reopen(store);
      expect(await again.listPromotions(runId)).toEqual([
        {
          ...base,
          tag: "stable",
          pushedDigest: TESTED,
          promotedAt: new Date("2026-03-01T00:00:02Z"),
        },
        { ...base, tag: "sha-abc", promotedAt: new Date("2026-03-01T00:00:01Z") },
      ]);
      expect(await again.listPromotions("01ARZ3NDEKTSV4RRFFQ69G5FAV")).toEqual([]);
    });

    it("answer a delivery of the promoted tag and digest with the run that promoted it, and record nothing", async () => {
      const store = await open();
      const runId = await promoted(store, new Date(), TESTED);
      const [outcome] = await kinds(store, stable(TESTED));
      expect(outcome).toEqual({ kind: "promoted", runId });
      expect(await store.listRuns({ limit: 10 })).toHaveLength(1);
      // Sent again: still the promotion, never a run.
      expect(await kinds(store, stable(TESTED))).toEqual([{ kind: "promoted", runId }]);
    });

    it("recognise the digest the registry answered when it differs from the tested one", async () => {
      const store = await open();
      const runId = await promoted(store, new Date(), OTHER);
      expect(await kinds(store, stable(OTHER))).toEqual([{ kind: "promoted", runId }]);
    });

    it("record a run for another digest of the tag, or the digest under another tag or registry", async () => {
      const store = await open();
      await promoted(store, new Date(), TESTED);
      const elsewhere = itemOf(
        push("acme/web", "stable", { digest: TESTED, registry: "other:5000" }),
      );
      const outcomes = await kinds(
        store,
        stable(OTHER, new Date(0)),
        itemOf(push("acme/web", "latest", { digest: TESTED })),
        elsewhere,
      );
      expect(outcomes.map((o) => o.kind)).toEqual(["recorded", "recorded", "recorded"]);
    });

    it("no longer count once the tag was pushed again after them: a later rollback is a run", async () => {
      const store = await open();
      await promoted(store, new Date(Date.now() - 1000), TESTED);
      expect((await kinds(store, stable(OTHER), stable(TESTED))).map((o) => o.kind)).toEqual([
        "recorded",
        "recorded",
      ]);
    });

    it("judge an item against the head as its own commit moved it", async () => {
      const store = await open();
      const now = new Date();
      const runId = await promoted(store, new Date(now.getTime() - 1000), TESTED);
      // Pushed again in the same commit (received now): the earlier promotion no longer counts.
      const again = await store.accept([stable(OTHER), stable(TESTED)], now);
      expect(again.map((o) => o.kind)).toEqual(["recorded", "recorded"]);
      // A promotion made after the head moved still counts for the item after it.
      const later = await promoted(store, new Date(now.getTime() + 60_000), TESTED);
      const moved = await store.accept([stable(`sha256:${"c".repeat(64)}`), stable(TESTED)], now);
      expect(moved).toEqual([
        expect.objectContaining({ kind: "recorded" }),
        { kind: "promoted", runId: later },
      ]);
      expect(later).not.toBe(runId);
    });

    it("count for a delivery without a digest only within the window it is given", async () => {
      const store = await open();
      const runId = await promoted(store, new Date(Date.now() - 60_000), TESTED);
      expect(await kinds(store, stable(undefined, new Date(Date.now() - 120_000)))).toEqual([
        { kind: "promoted", runId },
      ]);
      const late = await kinds(store, stable(undefined, new Date(Date.now() - 30_000)));
      expect(late.map((o) => o.kind)).toEqual(["recorded"]);
      const unbounded = await kinds(store, stable());
      expect(unbounded.map((o) => o.kind)).toEqual(["recorded"]);
    });

    it("are forgotten when their push failed: the tag's deliveries are pushes again", async () => {
      const store = await open();
      const runId = await promoted(store, new Date());
      const key = { runId, registry: REGISTRY, repository: "acme/web", tag: "stable" };
      await store.forgetPromotion(key);
      await store.forgetPromotion(key);
      expect(await store.listPromotions(runId)).toEqual([]);
      expect((await kinds(store, stable(TESTED))).map((o) => o.kind)).toEqual(["recorded"]);
    });

    it("count for any digest of the tag while the push is under way, within the window", async () => {
      const store = await open();
      const runId = await promoted(store, new Date());
      const since = new Date(Date.now() - 60_000);
      expect(await kinds(store, stable(OTHER, since))).toEqual([{ kind: "promoted", runId }]);
    });
  });
}

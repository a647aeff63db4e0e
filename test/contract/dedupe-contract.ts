import { describe, expect, it } from "vitest";
import type { PushEvent } from "../../src/sources/push-event.js";
import type { RunStore } from "../../src/store/run-store.js";
import { contractStores, deliver, itemOf, type StoreFactory } from "./store-factory.js";

const A = `sha256:${"a".repeat(64)}`;
const B = `sha256:${"b".repeat(64)}`;

/** A push of team/app:latest from a distribution registry, which names the digest. */
const registryPush = (digest: string, change: Partial<PushEvent> = {}): PushEvent => ({
  source: "registry",
  registry: "127.0.0.1:5000",
  repository: "team/app",
  tag: "latest",
  digest,
  pushedAt: new Date("2026-03-01T10:00:00Z"),
  ...change,
});
/** A push of acme/web:latest from Docker Hub, which names no digest: the push time stands in. */
const hubPush = (pushedAt: string): PushEvent => ({
  source: "dockerhub",
  registry: "docker.io",
  repository: "acme/web",
  tag: "latest",
  pushedAt: new Date(pushedAt),
});

const digestsOf = async (store: RunStore) =>
  (await store.listRuns({ limit: 50 }))
    .map((run) => run.event.digest ?? run.event.pushedAt.toISOString())
    .reverse();

/** Which deliveries are duplicates: the heads rule, that lets a rollback through. */
export function dedupeContract(factory: StoreFactory): void {
  const { open, reopen } = contractStores(factory);

  describe("duplicates", () => {
    it("records a tag moved back to an earlier digest: A, B, A are three pushes", async () => {
      const store = await open();
      expect(await deliver(store, registryPush(A), registryPush(B), registryPush(A))).toEqual([
        "recorded",
        "recorded",
        "recorded",
      ]);
      expect(await digestsOf(store)).toEqual([A, B, A]);
      // What the tag points at now, announced again, is a duplicate of the third.
      const [again] = await store.accept([itemOf(registryPush(A))], new Date());
      const newest = (await store.listRuns({ limit: 1 }))[0]?.event.id;
      expect(again).toEqual({ kind: "duplicate", eventId: newest });
    });

    it("takes the same digest announced again, however its push time differs, for one push", async () => {
      const store = await open();
      const later = registryPush(A, { pushedAt: new Date("2026-03-01T10:05:00Z") });
      expect(await deliver(store, registryPush(A), later)).toEqual(["recorded", "duplicate"]);
    });

    it("answers the second of A, A in one transaction as a duplicate, and A, B, A as three", async () => {
      const store = await open();
      const item = (digest: string) => itemOf(registryPush(digest));
      const kinds = async (...items: ReturnType<typeof item>[]) =>
        (await store.accept(items, new Date())).map((o) => o.kind);
      expect(await kinds(item(A), item(A))).toEqual(["recorded", "duplicate"]);
      expect(await kinds(item(B), item(A), item(A))).toEqual(["recorded", "recorded", "duplicate"]);
    });

    it("keeps a push without digest a duplicate for good, whatever came between", async () => {
      const store = await open();
      const first = hubPush("2026-03-01T10:00:00Z");
      const second = hubPush("2026-03-01T11:00:00Z");
      expect(await deliver(store, first, first, second, first, second)).toEqual([
        "recorded",
        "duplicate",
        "recorded",
        "duplicate",
        "duplicate",
      ]);
    });

    it("keeps the heads of other sources, registries, repositories and tags apart", async () => {
      const store = await open();
      const others = [
        registryPush(B, { source: "harbor" }),
        registryPush(B, { registry: "other:5000" }),
        registryPush(B, { repository: "team/api" }),
        registryPush(B, { tag: "v1" }),
      ];
      expect(await deliver(store, registryPush(A), ...others)).toEqual(Array(5).fill("recorded"));
      // None of them moved team/app:latest of this registry away from A.
      expect(await deliver(store, registryPush(A), ...others)).toEqual(Array(5).fill("duplicate"));
    });

    it("remembers the heads across restarts", async () => {
      const store = await open();
      await deliver(store, registryPush(A), registryPush(B), hubPush("2026-03-01T10:00:00Z"));
      const again = await reopen(store);
      expect(
        await deliver(again, registryPush(B), hubPush("2026-03-01T10:00:00Z"), registryPush(A)),
      ).toEqual(["duplicate", "duplicate", "recorded"]);
    });

    it("records one of the same delivery accepted many times at once", async () => {
      const store = await open();
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, () => store.accept([itemOf(registryPush(A))], new Date())),
      );
      expect(outcomes.flat().filter((o) => o.kind === "recorded")).toHaveLength(1);
      expect(await store.countRuns("queued")).toBe(1);
    });
  });
}

import { describe, expect, it } from "vitest";
import { contractStores, itemOf, push, type StoreFactory } from "./store-factory.js";

/** A run's source: the tested image's repository and commit, as its labels say. */
export function sourceContract(factory: StoreFactory): void {
  const { open, reopen } = contractStores(factory);

  describe("a run's source", () => {
    it("is written with the move to testing, kept across a restart, cleared by a new attempt", async () => {
      const store = await open();
      const [outcome] = await store.accept([itemOf(push("acme/web", "v1"))], new Date());
      const id = outcome?.kind === "recorded" ? (outcome.runIds[0] ?? "") : "";
      expect((await store.getRun(id))?.source).toBeUndefined();
      const source = { url: "https://git.example/acme/web", revision: "0123abc" };
      expect(await store.transition(id, ["queued"], "testing", { source })).toBe(true);
      expect((await store.getRun(id))?.source).toEqual(source);

      const again = await reopen(store);
      expect((await again.getRun(id))?.source).toEqual(source);
      expect(await again.transition(id, ["testing"], "queued", { source: null })).toBe(true);
      expect(await again.getRun(id)).not.toHaveProperty("source");
    });

    it("may know only one of the two", async () => {
      const store = await open();
      const [outcome] = await store.accept([itemOf(push("acme/web", "v1"))], new Date());
      const id = outcome?.kind === "recorded" ? (outcome.runIds[0] ?? "") : "";
      await store.transition(id, ["queued"], "testing", { source: { revision: "feedbeef" } });
      expect((await store.getRun(id))?.source).toEqual({ revision: "feedbeef" });
    });

    it("may name a repository path instead of a URL (a pipeline's source)", async () => {
      const store = await open();
      const [outcome] = await store.accept([itemOf(push("acme/web", "v1"))], new Date());
      const id = outcome?.kind === "recorded" ? (outcome.runIds[0] ?? "") : "";
      const source = { repository: "acme/web", revision: "v1" };
      await store.transition(id, ["queued"], "testing", { source });
      expect((await store.getRun(id))?.source).toEqual(source);
    });
  });
}

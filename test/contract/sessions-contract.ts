import { describe, expect, it } from "vitest";
import type { SessionRecord } from "../../src/store/run-store.js";
import { contractStores, type StoreFactory } from "./store-factory.js";

const session = (n: number, lastSeenAt: string): SessionRecord => ({
  idHash: n.toString(16).padStart(64, "0"),
  csrfToken: `csrf-${n}`,
  createdAt: new Date("2026-03-01T08:00:00.000Z"),
  lastSeenAt: new Date(lastSeenAt),
});

/** Dashboard sessions: kept by the hash of their id, shared by every pushgate on the store. */
export function sessionsContract(factory: StoreFactory): void {
  const { open, reopen } = contractStores(factory);

  describe("sessions", () => {
    it("keeps a session, with its form token and times, across a restart", async () => {
      const store = await open();
      const one = session(1, "2026-03-01T08:00:00.000Z");
      await store.createSession(one);
      expect(await store.getSession(one.idHash)).toEqual(one);
      const again = await reopen(store);
      expect(await again.getSession(one.idHash)).toEqual(one);
      expect(await again.getSession(session(2, "2026-03-01T08:00:00Z").idHash)).toBeUndefined();
    });

    it("refuses a second session with the same id hash, keeping the first", async () => {
      const store = await open();
      const one = session(1, "2026-03-01T08:00:00.000Z");
      await store.createSession(one);
      await expect(store.createSession({ ...one, csrfToken: "other" })).rejects.toThrow();
      expect((await store.getSession(one.idHash))?.csrfToken).toBe("csrf-1");
    });

    it("moves the last use, and forgets a deleted session", async () => {
      const store = await open();
      const one = session(1, "2026-03-01T08:00:00.000Z");
      const two = session(2, "2026-03-01T08:00:00.000Z");
      await store.createSession(one);
      await store.createSession(two);
      await store.touchSession(one.idHash, new Date("2026-03-01T09:30:00.000Z"));
      expect((await store.getSession(one.idHash))?.lastSeenAt.toISOString()).toBe(
        "2026-03-01T09:30:00.000Z",
      );
      expect((await store.getSession(one.idHash))?.createdAt).toEqual(one.createdAt);
      await store.deleteSession(one.idHash);
      expect(await store.getSession(one.idHash)).toBeUndefined();
      expect(await store.getSession(two.idHash)).toEqual(two);
      // Neither a touch nor a delete of a session that is gone brings it back or fails.
      await store.touchSession(one.idHash, new Date());
      await store.deleteSession(one.idHash);
      expect(await store.getSession(one.idHash)).toBeUndefined();
    });

    it("ends the sessions idle since before a time, and only those", async () => {
      const store = await open();
      await store.createSession(session(1, "2026-03-01T08:00:00.000Z"));
      await store.createSession(session(2, "2026-03-01T09:00:00.000Z"));
      await store.createSession(session(3, "2026-03-01T10:00:00.000Z"));
      expect(await store.deleteIdleSessions(new Date("2026-03-01T09:00:00.000Z"))).toBe(1);
      expect(await store.getSession(session(1, "2026-03-01T08:00:00Z").idHash)).toBeUndefined();
      expect(await store.getSession(session(2, "2026-03-01T08:00:00Z").idHash)).toBeDefined();
      expect(await store.deleteIdleSessions(new Date("2026-03-01T09:00:00.000Z"))).toBe(0);
      expect(await store.deleteIdleSessions(new Date("2026-03-02T00:00:00.000Z"))).toBe(2);
    });
  });
}

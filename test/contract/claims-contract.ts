import { describe, expect, it } from "vitest";
import type { Lease } from "../../src/store/run-store.js";
import { contractStores, push, queue, type StoreFactory } from "./store-factory.js";

const A: Lease = { owner: "web-1/aaaa", engine: "unix:///var/run/docker.sock", ms: 30_000 };
const B: Lease = { owner: "web-2/bbbb", engine: "tcp://other:2375", ms: 30_000 };
const at = (ms: number) => new Date(Date.UTC(2030, 0, 1) + ms);

/** Claims, leases, takeovers and stop requests: how replicas share one queue. */
export function claimsContract(factory: StoreFactory): void {
  const { open } = contractStores(factory);

  describe("claims", () => {
    it("claims the oldest queued runs of a pipeline as their next attempt, fresh, and held", async () => {
      const store = await open();
      const [a = ""] = await queue(store, push());
      const [b = ""] = await queue(store, push());
      const [c = ""] = await queue(store, push());
      await queue(store, push(), ["api"]);
      // What an earlier attempt left: its reason, digest, verdict and output.
      await store.transition(a, ["queued"], "testing", { attempt: 1, imageDigest: "sha256:1" });
      await store.saveOutput(a, { head: [], tail: [], totalBytes: 3, droppedBytes: 0 });
      await store.transition(a, ["testing"], "queued", { reason: "requeued", verdict: null });

      const claimed = await store.claimRuns("web", 2, undefined, A, at(0));
      expect(claimed.map((r) => [r.id, r.state, r.attempt])).toEqual([
        [a, "pulling", 2],
        [b, "pulling", 1],
      ]);
      const run = claimed[0];
      for (const gone of ["reason", "imageDigest", "verdict", "exitCode"]) {
        expect(run).not.toHaveProperty(gone);
      }
      expect(run?.steps.pull?.startedAt).toBe(at(0).toISOString());
      expect(run?.holder).toEqual({ owner: A.owner, engine: A.engine, until: at(30_000) });
      expect(await store.getOutput(a)).toBeUndefined();
      expect((await store.claimRuns("web", 5, undefined, B, at(1))).map((r) => r.id)).toEqual([c]);
      expect(await store.claimRuns("web", 5, undefined, B, at(1))).toEqual([]);
      expect(await store.countRuns("pulling")).toBe(3);
    });

    it("never lets a pipeline's runs being pulled or tested pass its limit", async () => {
      const store = await open();
      for (let i = 0; i < 5; i++) await queue(store, push());
      expect(await store.claimRuns("web", 5, 2, A, at(0))).toHaveLength(2);
      expect(await store.claimRuns("web", 5, 2, B, at(0))).toHaveLength(0);
      const [first] = await store.runsInStates(["pulling"]);
      await store.transition(first?.id ?? "", ["pulling"], "acting", { verdict: "passed" });
      // A run sending its actions holds no slot.
      expect(await store.claimRuns("web", 5, 2, B, at(0))).toHaveLength(1);
    });

    it("moves only the attempt it is told of, and frees a run that leaves its held states", async () => {
      const store = await open();
      const [id = ""] = await queue(store, push());
      const [run] = await store.claimRuns("web", 1, undefined, A, at(0));
      expect(await store.transition(id, ["pulling"], "testing", {}, (run?.attempt ?? 0) + 1)).toBe(
        false,
      );
      expect(await store.transition(id, ["pulling"], "testing", {}, run?.attempt)).toBe(true);
      expect((await store.getRun(id))?.holder?.owner).toBe(A.owner);
      expect(await store.transition(id, ["testing"], "passed", {}, run?.attempt)).toBe(true);
      expect((await store.getRun(id))?.holder).toBeUndefined();
    });

    it("renews the leases a process holds, and tells of the runs it lost and of stops asked", async () => {
      const store = await open();
      for (let i = 0; i < 3; i++) await queue(store, push());
      const [a, b, c] = await store.claimRuns("web", 3, undefined, A, at(0));
      const ids = [a, b, c].map((r) => r?.id ?? "");
      expect(await store.requestStop(ids[1] ?? "", "cancel")).toBe(true);
      expect(await store.requestStop(ids[2] ?? "", { supersededBy: "NEWER" })).toBe(true);
      await store.transition(ids[0] ?? "", ["pulling"], "queued", { reason: "taken over" });
      expect(await store.renewLeases(A, ids, at(20_000))).toEqual([
        { id: ids[1], stop: "cancel" },
        { id: ids[2], stop: { supersededBy: "NEWER" } },
      ]);
      expect((await store.getRun(ids[1] ?? ""))?.holder?.until).toEqual(at(50_000));
      expect(await store.renewLeases(B, ids, at(20_000))).toEqual([]);
      expect(await store.requestStop(ids[0] ?? "", "cancel")).toBe(false);
      expect(await store.renewLeases(A, [], at(0))).toEqual([]);
    });

    it("finds the runs whose holder is gone, by lease or by owner, and hands acting ones over", async () => {
      const store = await open();
      for (let i = 0; i < 4; i++) await queue(store, push());
      const [a, b] = await store.claimRuns("web", 2, undefined, A, at(0));
      const [c, d] = await store.claimRuns("web", 2, undefined, B, at(20_000));
      await store.transition(b?.id ?? "", ["pulling"], "acting", { verdict: "failed" });
      await store.transition(d?.id ?? "", ["pulling"], "acting", { verdict: "passed" });
      const ids = async (runs: Promise<{ id: string }[]>) => (await runs).map((r) => r.id);

      expect(await ids(store.abandonedRuns(at(10_000)))).toEqual([]);
      expect(await ids(store.abandonedRuns(at(31_000)))).toEqual([a?.id]);
      expect(await ids(store.abandonedRuns(at(10_000), "web-2/"))).toEqual([c?.id]);
      const abandoned = await store.abandonedRuns(at(31_000));
      expect(abandoned[0]?.holder).toEqual({ owner: A.owner, engine: A.engine, until: at(30_000) });

      // b is acting and A's lease on it ran out: B takes it, and holds it.
      const acting = await store.claimActing(B, at(31_000));
      expect(acting.map((r) => [r.id, r.verdict, r.holder?.owner])).toEqual([
        [b?.id, "failed", B.owner],
      ]);
      expect(await store.claimActing(A, at(32_000))).toEqual([]);
      expect(await ids(store.claimActing(A, at(32_000), "web-2/"))).toEqual([b?.id, d?.id]);
    });
  });
}

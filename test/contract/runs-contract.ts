import { describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../../src/store/store-unavailable-error.js";
import {
  contractStores,
  itemOf,
  push,
  queue,
  unwritableItem,
  type StoreFactory,
} from "./store-factory.js";

const DIGEST = `sha256:${"b".repeat(64)}`;

/** Recording, reading and moving runs; output, pause state, instance id, availability. */
export function runsContract(factory: StoreFactory): void {
  const { open, reopen } = contractStores(factory);

  describe("runs", () => {
    it("records an event with one queued run per pipeline and reads it back whole", async () => {
      const store = await open();
      const event = push("acme/web", "v1", {
        digest: DIGEST,
        pusher: "ci",
        callbackUrl: "https://registry.hub.docker.com/u/acme/web/hook/1/",
        pushedAt: new Date("2026-01-02T03:04:05.678Z"),
      });
      const [outcome] = await store.accept(
        [itemOf(event, ["web", "api"])],
        new Date("2026-02-02T00:00:00Z"),
      );
      expect(outcome?.kind).toBe("recorded");
      const runIds = outcome?.kind === "recorded" ? outcome.runIds : [];
      expect(runIds).toHaveLength(2);
      const run = await store.getRun(runIds[0] ?? "");
      expect(run).toMatchObject({
        id: runIds[0],
        pipeline: "web",
        state: "queued",
        attempt: 0,
        steps: {},
        event: {
          id: outcome?.kind === "recorded" ? outcome.eventId : "",
          source: "registry",
          registry: "127.0.0.1:5000",
          repository: "acme/web",
          tag: "v1",
          digest: DIGEST,
          pusher: "ci",
          callbackUrl: "https://registry.hub.docker.com/u/acme/web/hook/1/",
        },
      });
      expect(run?.event.pushedAt.toISOString()).toBe("2026-01-02T03:04:05.678Z");
      expect(run?.event.receivedAt.toISOString()).toBe("2026-02-02T00:00:00.000Z");
      expect(run?.createdAt.toISOString()).toBe("2026-02-02T00:00:00.000Z");
      for (const absent of ["reason", "imageDigest", "exitCode", "verdict", "finishedAt"]) {
        expect(run).not.toHaveProperty(absent);
      }
      expect((await store.getRun(runIds[1] ?? ""))?.pipeline).toBe("api");
      expect(await store.getRun("01ARZ3NDEKTSV4RRFFQ69G5FAV")).toBeUndefined();
    });

    it("writes a delivery all or nothing", async () => {
      const store = await open();
      // The second item's invalid date throws midway through the transaction.
      const bad = unwritableItem("v2");
      await expect(store.accept([itemOf(push()), bad], new Date())).rejects.toThrow();
      expect(await store.listRuns({ limit: 10 })).toEqual([]);
    });

    it("answers deliveries accepted at the same moment each with its own outcome", async () => {
      const store = await open();
      const same = push("acme/web", "same");
      const unwritable = unwritableItem("bad");
      const results = await Promise.allSettled([
        ...Array.from({ length: 20 }, (_, i) =>
          store.accept([itemOf(push("acme/web", `v${i}`))], new Date()),
        ),
        store.accept([itemOf(same)], new Date()),
        store.accept([unwritable], new Date()),
        store.accept([itemOf(same)], new Date()),
      ]);
      const kinds = results.map((r) =>
        r.status === "fulfilled" ? r.value.map((o) => o.kind).join() : "rejected",
      );
      expect(kinds).toEqual([...Array<string>(21).fill("recorded"), "rejected", "duplicate"]);
      const runs = await store.listRuns({ limit: 50 });
      expect(runs).toHaveLength(21);
      expect(new Set(runs.map((r) => r.id)).size).toBe(21);
    });

    it("lists runs newest first, filtered and paged", async () => {
      const store = await open();
      const [a = ""] = await queue(store, push("acme/web", "v1"));
      const [b = "", c = ""] = await queue(store, push("acme/api", "v1"), ["web", "api"]);
      const [d = ""] = await queue(store, push("acme/web", "v2"));
      await store.transition(b, ["queued"], "failed");
      const ids = async (filter: Parameters<typeof store.listRuns>[0]) =>
        (await store.listRuns(filter)).map((r) => r.id);
      expect(await ids({ limit: 10 })).toEqual([d, c, b, a]);
      expect(await ids({ limit: 2 })).toEqual([d, c]);
      expect(await ids({ limit: 2, before: c })).toEqual([b, a]);
      expect(await ids({ limit: 10, repository: "acme/web" })).toEqual([d, a]);
      expect(await ids({ limit: 10, state: "failed" })).toEqual([b]);
      expect(await ids({ limit: 10, pipeline: "api" })).toEqual([c]);
      expect(
        await ids({ limit: 10, pipeline: "web", state: "queued", repository: "acme/api" }),
      ).toEqual([]);
    });

    it("lists runs in any of several states, and the retries of a run", async () => {
      const store = await open();
      const [a = "", b = "", c = ""] = await queue(store, push(), ["web", "api", "docs"]);
      await store.transition(a, ["queued"], "passed");
      await store.transition(b, ["queued"], "errored");
      const ids = async (filter: Parameters<typeof store.listRuns>[0]) =>
        (await store.listRuns(filter)).map((r) => r.id);
      expect(await ids({ limit: 10, states: ["passed", "errored"] })).toEqual([b, a]);
      expect(await ids({ limit: 10, states: ["failed"] })).toEqual([]);
      expect(await ids({ limit: 10, states: [] })).toEqual([]);
      expect(await ids({ limit: 1, states: ["queued", "passed"], pipeline: "web" })).toEqual([a]);
      expect(await ids({ limit: 10, states: ["queued", "passed"], state: "queued" })).toEqual([c]);

      const first = (await store.retry(a, new Date())) ?? "";
      const second = (await store.retry(a, new Date())) ?? "";
      const ofRetry = (await store.retry(first, new Date())) ?? "";
      expect(await ids({ limit: 10, retryOf: a })).toEqual([second, first]);
      expect(await ids({ limit: 10, retryOf: first })).toEqual([ofRetry]);
      expect(await ids({ limit: 10, retryOf: c })).toEqual([]);
    });

    it("moves a run only from the states given, stamping the end of final states", async () => {
      const store = await open();
      const [id = ""] = await queue(store, push());
      expect(await store.transition(id, ["testing"], "passed")).toBe(false);
      expect(await store.transition("01ARZ3NDEKTSV4RRFFQ69G5FAV", ["queued"], "pulling")).toBe(
        false,
      );
      expect(await store.transition(id, ["queued"], "pulling", { attempt: 1 })).toBe(true);
      const steps = { pull: { startedAt: "2026-01-01T00:00:00.000Z", ms: 5 } };
      expect(
        await store.transition(id, ["pulling"], "testing", { imageDigest: DIGEST, steps }),
      ).toBe(true);
      expect((await store.getRun(id))?.finishedAt).toBeUndefined();
      expect(
        await store.transition(id, ["queued", "testing"], "failed", {
          exitCode: 3,
          reason: "exit code 3",
          verdict: "failed",
        }),
      ).toBe(true);
      const run = await store.getRun(id);
      expect(run).toMatchObject({
        state: "failed",
        exitCode: 3,
        reason: "exit code 3",
        verdict: "failed",
        attempt: 1,
        imageDigest: DIGEST,
        steps,
      });
      expect(run?.finishedAt).toBeInstanceOf(Date);
      expect(run?.updatedAt.getTime()).toBeGreaterThanOrEqual(run?.createdAt.getTime() ?? 0);
      expect(await store.runsInStates(["queued", "pulling"])).toEqual([]);
      expect((await store.runsInStates(["failed"])).map((r) => r.id)).toEqual([id]);
    });

    it("clears the fields a state change sets to null", async () => {
      const store = await open();
      const [id = ""] = await queue(store, push());
      await store.transition(id, ["queued"], "testing", {
        reason: "x",
        exitCode: 0,
        imageDigest: DIGEST,
        verdict: "passed",
      });
      await store.transition(id, ["testing"], "queued", {
        reason: null,
        exitCode: null,
        imageDigest: null,
        verdict: null,
      });
      const run = await store.getRun(id);
      for (const absent of ["reason", "imageDigest", "exitCode", "verdict"]) {
        expect(run).not.toHaveProperty(absent);
      }
    });

    it("lists runs in states oldest first", async () => {
      const store = await open();
      const [a = ""] = await queue(store, push());
      const [b = ""] = await queue(store, push());
      const [c = ""] = await queue(store, push());
      await store.transition(a, ["queued"], "acting", { verdict: "passed" });
      await store.transition(c, ["queued"], "testing");
      expect((await store.runsInStates(["testing", "acting"])).map((r) => r.id)).toEqual([a, c]);
      expect((await store.runsInStates(["queued"])).map((r) => r.id)).toEqual([b]);
      expect(await store.runsInStates([])).toEqual([]);
      expect((await store.runsInStates(["acting"]))[0]?.verdict).toBe("passed");
    });

    it("keeps the verdict and the captured output of a run", async () => {
      const store = await open();
      const [id = ""] = await queue(store, push());
      expect(await store.getOutput(id)).toBeUndefined();
      await store.transition(id, ["queued"], "pulling");
      expect(
        await store.transition(id, ["pulling"], "acting", { verdict: "errored", reason: "x" }),
      ).toBe(true);
      expect(await store.getRun(id)).toMatchObject({ state: "acting", verdict: "errored" });
      const output = {
        head: [
          { stream: "stdout", text: "ok ✓\n" },
          { stream: "service db", text: "ready\n" },
        ],
        tail: [{ stream: "stderr", text: "bye\n" }],
        totalBytes: 100,
        droppedBytes: 93,
      };
      await store.saveOutput(id, output);
      expect(await store.getOutput(id)).toEqual(output);
      await store.saveOutput(id, { ...output, totalBytes: 101, droppedBytes: 94 });
      expect(await store.getOutput(id)).toEqual({ ...output, totalBytes: 101, droppedBytes: 94 });
    });

    it("forgets a run's output with the state change that asks it, and only then", async () => {
      const store = await open();
      const [id = ""] = await queue(store, push());
      await store.transition(id, ["queued"], "testing", { attempt: 1, imageDigest: DIGEST });
      const output = { head: [{ stream: "stdout", text: "one\n" }], tail: [], totalBytes: 4 };
      await store.saveOutput(id, { ...output, droppedBytes: 0 });
      await store.transition(id, ["testing"], "queued", { reason: "requeued" });
      const forget = { imageDigest: null, output: null } as const;
      expect(await store.transition(id, ["testing"], "pulling", forget)).toBe(false);
      expect((await store.getRun(id))?.imageDigest).toBe(DIGEST);
      expect(await store.getOutput(id)).toBeDefined();
      expect(await store.transition(id, ["queued"], "pulling", { attempt: 2, ...forget })).toBe(
        true,
      );
      expect(await store.getRun(id)).toMatchObject({ state: "pulling", attempt: 2 });
      expect((await store.getRun(id))?.imageDigest).toBeUndefined();
      expect(await store.getOutput(id)).toBeUndefined();
    });

    it("counts runs per state", async () => {
      const store = await open();
      expect(await store.countRuns("queued")).toBe(0);
      const ids = [
        ...(await queue(store, push(), ["web", "api"])),
        ...(await queue(store, push())),
      ];
      expect([await store.countRuns("queued"), await store.countRuns("pulling")]).toEqual([3, 0]);
      const [a = "", b = ""] = ids;
      await store.transition(a, ["queued"], "pulling");
      await store.transition(b, ["queued", "pulling"], "cancelled");
      expect(await store.transition(b, ["queued"], "pulling")).toBe(false);
      await store.transition(a, ["pulling", "testing"], "failed");
      await store.retry(a, new Date());
      const counts = await Promise.all(
        (["queued", "pulling", "failed", "cancelled"] as const).map((s) => store.countRuns(s)),
      );
      expect(counts).toEqual([2, 0, 1, 1]);
    });

    it("keeps the pause state and the instance id across restarts", async () => {
      const store = await open();
      const id = await store.instanceId();
      expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/);
      expect(await store.instanceId()).toBe(id);
      expect(await store.queuePaused()).toBe(false);
      await store.setQueuePaused(true);
      expect(await store.queuePaused()).toBe(true);
      const again = await reopen(store);
      expect(await again.queuePaused()).toBe(true);
      expect(await again.instanceId()).toBe(id);
      await again.setQueuePaused(false);
      expect(await again.queuePaused()).toBe(false);
    });

    it("keeps runs, heads and output across restarts", async () => {
      const store = await open();
      const event = push();
      const [id = ""] = await queue(store, event);
      await store.saveOutput(id, {
        head: [],
        tail: [{ stream: "stdout", text: "x" }],
        totalBytes: 1,
        droppedBytes: 0,
      });
      const again = await reopen(store);
      expect((await again.getRun(id))?.event.tag).toBe(event.tag);
      expect((await again.getOutput(id))?.totalBytes).toBe(1);
      const [outcome] = await again.accept([itemOf(event)], new Date());
      expect(outcome?.kind).toBe("duplicate");
    });

    it("answers a ping while it can be written", async () => {
      const store = await open();
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it("rejects with StoreUnavailableError once closed", async () => {
      const store = await open();
      await store.close();
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.accept([itemOf(push())], new Date())).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
    });
  });
}

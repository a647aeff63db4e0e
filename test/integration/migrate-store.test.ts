import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dedupeKeyOf, type PushEvent } from "../../src/sources/push-event.js";
import { PostgresRunStore } from "../../src/store/postgres/postgres-run-store.js";
import type { RunStore } from "../../src/store/run-store.js";
import { readStore } from "../support/open-store.js";
import { freshDatabase } from "../support/postgres.js";
import { runPushgateCommand } from "../support/spawn-pushgate.js";
import { tempDir } from "../support/test-config.js";

const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of drops) await drop();
});

const push = (tag: string, digest: string): PushEvent => ({
  source: "registry",
  registry: "127.0.0.1:5000",
  repository: "team/app",
  tag,
  digest: `sha256:${digest.repeat(64)}`,
  pushedAt: new Date("2026-03-01T10:00:00Z"),
  pusher: "ci",
});

/** Everything a user sees of a store: runs, their output, actions and promotions, the pause. */
async function everything(store: RunStore) {
  const runs = await store.listRuns({ limit: 100 });
  return {
    runs,
    outputs: await Promise.all(runs.map((run) => store.getOutput(run.id))),
    actions: await Promise.all(runs.map((run) => store.listActions(run.id))),
    promotions: await Promise.all(runs.map((run) => store.listPromotions(run.id))),
    paused: await store.queuePaused(),
  };
}

describe("pushgate migrate-store", () => {
  it("copies a populated SQLite file into PostgreSQL whole, and refuses a database that is not empty", async () => {
    const dbPath = join(tempDir(), "pushgate.db");
    const before = await readStore(dbPath, async (store) => {
      const accepted = await store.accept(
        [push("latest", "a"), push("latest", "b"), push("v1", "c")].map((event) => ({
          event,
          dedupeKey: dedupeKeyOf(event),
          pipelines: ["web", "api"],
        })),
        new Date("2026-03-01T10:00:01Z"),
      );
      const ids = accepted.flatMap((o) => (o.kind === "recorded" ? o.runIds : []));
      const [first = "", second = ""] = ids;
      await store.transition(first, ["queued"], "acting", {
        verdict: "passed",
        exitCode: 0,
        attempt: 1,
      });
      await store.saveOutput(first, {
        head: [{ stream: "stdout", text: "ok ✓\n" }],
        tail: [{ stream: "stderr", text: "end\n" }],
        totalBytes: 200,
        droppedBytes: 189,
      });
      await store.planActions(
        first,
        [{ id: "success.0", kind: "jenkins", target: "deploy/web" }],
        new Date(),
      );
      await store.recordActionAttempt(
        first,
        "success.0",
        { at: "t", ms: 3, status: 201 },
        new Date(),
      );
      await store.updateAction(
        first,
        "success.0",
        { state: "sent", result: { queueUrl: "q/1" } },
        new Date(),
      );
      // Two tags promoted, first written in this order; the second's push under way.
      const promotion = { runId: first, registry: "127.0.0.1:5000", repository: "team/app" };
      const tested = `sha256:${"a".repeat(64)}`;
      await store.savePromotion(
        { ...promotion, tag: "stable", digest: tested },
        new Date("2026-03-01T10:00:05Z"),
      );
      await store.savePromotion(
        { ...promotion, tag: "sha-abc", digest: tested },
        new Date("2026-03-01T10:00:06Z"),
      );
      await store.savePromotion(
        { ...promotion, tag: "stable", digest: tested, pushedDigest: tested },
        new Date("2026-03-01T10:00:07Z"),
      );
      await store.transition(second, ["queued"], "failed", { reason: "exit code 1", exitCode: 1 });
      await store.retry(second, new Date("2026-03-02T00:00:00Z"));
      await store.setQueuePaused(true);
      return everything(store);
    });
    const db = await freshDatabase();
    drops.push(db.drop);

    const copied = await runPushgateCommand(["migrate-store", "--from", dbPath, "--to", db.url]);
    expect(copied).toMatchObject({
      code: 0,
      stdout: `copied 7 runs, 3 events, 2 heads, 1 outputs, 1 actions and 2 promotions from ${dbPath}\n`,
    });
    const store = await PostgresRunStore.open({ url: db.url, instance: "check" });
    try {
      expect(await everything(store)).toEqual(before);
      // The heads came along: latest is at b, so a is a rollback and b a duplicate.
      const kinds = async (event: PushEvent) =>
        (
          await store.accept(
            [{ event, dedupeKey: dedupeKeyOf(event), pipelines: ["web"] }],
            new Date(),
          )
        ).map((o) => o.kind);
      expect(await kinds(push("latest", "b"))).toEqual(["duplicate"]);
      expect(await kinds(push("v1", "c"))).toEqual(["duplicate"]);
      expect(await kinds(push("latest", "a"))).toEqual(["recorded"]);
      // The promotions came along: the registry's notification of one starts no run.
      expect(await kinds(push("stable", "a"))).toEqual(["promoted"]);
    } finally {
      await store.close();
    }

    const again = await runPushgateCommand(["migrate-store", "--from", dbPath, "--to", db.url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      "pushgate migrate-store: the PostgreSQL database already holds runs or events: migrate-store only writes into an empty one; nothing was copied\n",
    );
    const usage = await runPushgateCommand(["migrate-store", "--from", dbPath]);
    expect(usage.code).toBe(64);
  });
});

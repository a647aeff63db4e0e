import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { dedupeKeyOf, type PushEvent } from "../../../src/sources/push-event.js";
import type { SqliteRunStore } from "../../../src/store/sqlite/sqlite-run-store.js";
import { StoreUnavailableError } from "../../../src/store/store-unavailable-error.js";
import { tempDir } from "../../support/test-config.js";
import { storeOpener } from "../../support/open-store.js";

// What every store does is checked by test/contract/; these are the SQLite file's own ways.

const event = (tag: string): PushEvent => ({
  source: "registry",
  registry: "127.0.0.1:5000",
  repository: "acme/web",
  tag,
  pushedAt: new Date("2026-01-02T03:04:05Z"),
});
const item = (e: PushEvent, pipelines = ["web"]) => ({
  event: e,
  dedupeKey: dedupeKeyOf(e),
  pipelines,
});

const open = storeOpener();

async function queued(store: SqliteRunStore, ...items: ReturnType<typeof item>[]) {
  return (await store.accept(items, new Date())).flatMap((o) =>
    o.kind === "recorded" ? o.runIds : [],
  );
}

describe("SqliteRunStore", () => {
  it("forgets a run's digest and output with the state change that asks it, or not at all", async () => {
    const path = join(tempDir(), "runs.db");
    const store = open(path);
    const [id = ""] = await queued(store, item(event("v1")));
    const digest = `sha256:${"d".repeat(64)}`;
    await store.transition(id, ["queued"], "testing", { attempt: 1, imageDigest: digest });
    const output = { head: [{ stream: "stdout", text: "one\n" }], tail: [], totalBytes: 4 };
    await store.saveOutput(id, { ...output, droppedBytes: 0 });
    await store.transition(id, ["testing"], "queued", { reason: "requeued" });
    const forget = { imageDigest: null, output: null } as const;

    // The output cannot be forgotten (its table is gone): the run does not move either.
    const other = new Database(path);
    other.exec("ALTER TABLE run_logs RENAME TO run_logs_away");
    await expect(store.transition(id, ["queued"], "pulling", forget)).rejects.toThrow(
      StoreUnavailableError,
    );
    expect(await store.getRun(id)).toMatchObject({ state: "queued", imageDigest: digest });
    other.exec("ALTER TABLE run_logs_away RENAME TO run_logs");
    other.close();

    expect(await store.transition(id, ["queued"], "pulling", { attempt: 2, ...forget })).toBe(true);
    expect(await store.getOutput(id)).toBeUndefined();
    expect(await store.countRuns("pulling")).toBe(1);
  });

  it("counts runs per state exactly through its own writes, and re-reads after another connection's", async () => {
    const path = join(tempDir(), "runs.db");
    const store = open(path);
    const truth = (state: string): number => {
      const db = new Database(path, { readonly: true });
      const row = db.prepare("SELECT count(*) AS n FROM runs WHERE state = ?").get(state);
      db.close();
      return (row as { n: number }).n;
    };
    expect(await store.countRuns("queued")).toBe(0);
    const ids = await queued(store, item(event("v1"), ["web", "api"]), item(event("v2")));
    expect([await store.countRuns("queued"), await store.countRuns("pulling")]).toEqual([3, 0]);
    const [a = "", b = "", c = ""] = ids;
    await store.transition(a, ["queued"], "pulling");
    await store.transition(b, ["queued", "pulling"], "cancelled");
    expect(await store.transition(b, ["queued"], "pulling")).toBe(false);
    await store.transition(a, ["pulling", "testing"], "failed");
    await store.retry(a, new Date());
    for (const state of ["queued", "pulling", "failed", "cancelled"] as const) {
      expect([state, await store.countRuns(state)]).toEqual([state, truth(state)]);
    }
    // Another connection (the sqlite3 shell) cancels a run: the counts are read again.
    const other = new Database(path);
    other.prepare("UPDATE runs SET state = 'cancelled' WHERE id = ?").run(c);
    other.close();
    expect([await store.countRuns("queued"), await store.countRuns("cancelled")]).toEqual([
      truth("queued"),
      truth("cancelled"),
    ]);
    expect(await store.countRuns("queued")).toBe(1);
  });

  it("reports a store it cannot read as unavailable", async () => {
    const path = join(tempDir(), "runs.db");
    const store = open(path);
    const other = new Database(path);
    other.exec("DROP TABLE runs");
    other.close();
    await expect(store.ping()).rejects.toThrow(StoreUnavailableError);
  });

  it("refuses a file from a newer pushgate, saying so", () => {
    const path = join(tempDir(), "runs.db");
    const db = new Database(path);
    db.pragma("user_version = 999");
    db.close();
    expect(() => open(path)).toThrow(/schema version 999, newer than this pushgate knows/);
  });
});

import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { dedupeKeyOf, type PushEvent } from "../../../src/sources/push-event.js";
import { MIGRATIONS } from "../../../src/store/sqlite/migrations.js";
import { QUEUE_SQL } from "../../../src/store/sqlite/sqlite-run-queue.js";
import type { SqliteRunStore } from "../../../src/store/sqlite/sqlite-run-store.js";
import { tempDir } from "../../support/test-config.js";
import { storeOpener } from "../../support/open-store.js";

let pushes = 0;
const event = (repository: string, tag: string, registry = "127.0.0.1:5000"): PushEvent => ({
  source: "registry",
  registry,
  repository,
  tag,
  pushedAt: new Date(1_700_000_000_000 + pushes++),
});

const open = storeOpener();

/** Records one push with a run per pipeline; returns the run ids. */
async function queue(store: SqliteRunStore, e: PushEvent, pipelines = ["web"]) {
  const [outcome] = await store.accept(
    [{ event: e, dedupeKey: dedupeKeyOf(e), pipelines }],
    new Date(),
  );
  return outcome?.kind === "recorded" ? outcome.runIds : [];
}

// What the queue gives is checked on every store by test/contract/queue-contract.ts; these are
// the SQLite file's query plans and upgrades.
describe("the queue of the SQLite store", () => {
  it("reads index ranges only: a long queue does not make a pick or a push slower", async () => {
    const path = join(tempDir(), "runs.db");
    await open(path).close();
    const db = new Database(path, { readonly: true });
    const plan = (sql: string, ...params: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
        .map((row) => row.detail)
        .join("; ");
    try {
      expect(plan(QUEUE_SQL.next, "web", 2)).toMatch(
        /^SEARCH r USING INDEX runs_queue \(state=\? AND pipeline=\?\); SEARCH e USING INDEX \S+ \(id=\?\)$/,
      );
      expect(plan(QUEUE_SQL.count, "queued")).toMatch(
        /^SEARCH runs USING COVERING INDEX runs_(queue|by_state) \(state=\?\)$/,
      );
      expect(plan(QUEUE_SQL.olderOfImage(3), "x", "queued", "pulling", "testing")).toMatch(
        /SEARCH newer USING INDEX \S+ \(id=\?\); SEARCH r USING INDEX runs_by_image \(image=\? AND pipeline=\? AND state=\? AND id<\?\)/,
      );
    } finally {
      db.close();
    }
  });

  it("gives runs recorded before the image column was added their image on upgrade", async () => {
    const path = join(tempDir(), "runs.db");
    const db = new Database(path);
    const before = MIGRATIONS.findIndex((sql) => sql.includes("ADD COLUMN image"));
    MIGRATIONS.slice(0, before).forEach((sql) => db.exec(sql));
    db.pragma(`user_version = ${before}`);
    const at = new Date().toISOString();
    db.prepare(
      `INSERT INTO events (id, dedupe_key, source, registry, repository, tag, pushed_at, received_at)
       VALUES ('E1', 'k1', 'registry', 'r:5000', 'acme/a', 'v1', ?, ?)`,
    ).run(at, at);
    db.prepare(
      `INSERT INTO runs (id, event_id, pipeline, state, created_at, updated_at)
       VALUES ('01AAAAAAAAAAAAAAAAAAAAAAAA', 'E1', 'web', 'queued', ?, ?)`,
    ).run(at, at);
    db.close();

    const store = open(path);
    const [newer = ""] = await queue(store, event("acme/a", "v1", "r:5000"));
    expect((await store.olderRunsOfImage(newer, ["queued"])).map((r) => r.id)).toEqual([
      "01AAAAAAAAAAAAAAAAAAAAAAAA",
    ]);
  });
});

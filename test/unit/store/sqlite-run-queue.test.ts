import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { dedupeKeyOf, type PushEvent } from "../../../src/sources/push-event.js";
import { MIGRATIONS } from "../../../src/store/migrations.js";
import { QUEUE_SQL } from "../../../src/store/sqlite-run-queue.js";
import type { SqliteRunStore } from "../../../src/store/sqlite-run-store.js";
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
function queue(store: SqliteRunStore, e: PushEvent, pipelines = ["web"]): string[] {
  const [outcome] = store.accept([{ event: e, dedupeKey: dedupeKeyOf(e), pipelines }], new Date());
  return outcome?.kind === "recorded" ? outcome.runIds : [];
}

describe("the queue of the SQLite store", () => {
  it("gives the oldest queued runs of one pipeline, at most as many as asked", () => {
    const store = open();
    const [a1 = "", b1 = ""] = queue(store, event("acme/a", "v1"), ["web", "api"]);
    const [a2 = ""] = queue(store, event("acme/a", "v2"));
    const [a3 = ""] = queue(store, event("acme/a", "v3"));
    store.transition(a1, ["queued"], "pulling");
    expect(store.nextQueued("web", 5).map((r) => r.id)).toEqual([a2, a3]);
    expect(store.nextQueued("web", 1).map((r) => r.id)).toEqual([a2]);
    expect(store.nextQueued("api", 5).map((r) => r.id)).toEqual([b1]);
    expect(store.nextQueued("none", 5)).toEqual([]);
    expect(store.queuedPipelines()).toEqual(["api", "web"]);
    expect([store.countRuns("queued"), store.countRuns("pulling")]).toEqual([3, 1]);
  });

  it("finds the older runs of the same pipeline and image only", () => {
    const store = open();
    const [old = "", otherPipeline = ""] = queue(store, event("acme/a", "v1"), ["web", "api"]);
    const [testing = ""] = queue(store, event("acme/a", "v1"));
    queue(store, event("acme/a", "v2")); // another tag
    queue(store, event("acme/b", "v1")); // another repository
    queue(store, event("acme/a", "v1", "other:5000")); // another registry
    const [newest = ""] = queue(store, event("acme/a", "v1"));
    const [after = ""] = queue(store, event("acme/a", "v1")); // newer than newest
    store.transition(testing, ["queued"], "testing");

    expect(store.olderRunsOfImage(newest, ["queued"]).map((r) => r.id)).toEqual([old]);
    expect(store.olderRunsOfImage(newest, ["queued", "testing"]).map((r) => r.id)).toEqual([
      old,
      testing,
    ]);
    expect(store.olderRunsOfImage(otherPipeline, ["queued"])).toEqual([]);
    expect(store.olderRunsOfImage(after, ["queued"]).map((r) => r.id)).toEqual([old, newest]);
  });

  it("queues a retry of the same event and pipeline, linked to its original", () => {
    const store = open();
    const [id = ""] = queue(store, event("acme/a", "v1"));
    store.transition(id, ["queued"], "failed", { reason: "exit code 1", attempt: 1 });
    const retry = store.retry(id, new Date()) ?? "";
    expect(store.getRun(retry)).toMatchObject({
      pipeline: "web",
      state: "queued",
      attempt: 0,
      retryOf: id,
      event: { id: store.getRun(id)?.event.id, repository: "acme/a", tag: "v1" },
    });
    expect(store.getRun(id)).toMatchObject({ state: "failed", reason: "exit code 1" });
    expect(store.getRun(id)?.retryOf).toBeUndefined();
    // A retry is a run of the image like any other: the next push supersedes it too.
    const [next = ""] = queue(store, event("acme/a", "v1"));
    expect(store.olderRunsOfImage(next, ["queued"]).map((r) => r.id)).toEqual([retry]);
    expect(store.retry("01ARZ3NDEKTSV4RRFFQ69G5FAV", new Date())).toBeUndefined();
  });

  it("reads index ranges only: a long queue does not make a pick or a push slower", () => {
    const path = join(tempDir(), "runs.db");
    open(path).close();
    const db = new Database(path, { readonly: true });
    const plan = (sql: string, ...params: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
        .map((row) => row.detail)
        .join("; ");
    try {
      expect(plan(QUEUE_SQL.next, "web", 2)).toMatch(
        /^SEARCH r USING INDEX runs_queue \(state=\? AND pipeline=\?\); SEARCH e USING INDEX \S+ \(id=\?\)$/,
      );
      expect(plan(QUEUE_SQL.count, "queued")).toBe(
        "SEARCH runs USING COVERING INDEX runs_queue (state=?)",
      );
      expect(plan(QUEUE_SQL.olderOfImage(3), "x", "queued", "pulling", "testing")).toMatch(
        /SEARCH newer USING INDEX \S+ \(id=\?\); SEARCH r USING INDEX runs_by_image \(image=\? AND pipeline=\? AND state=\? AND id<\?\)/,
      );
    } finally {
      db.close();
    }
  });

  it("gives runs recorded before the image column was added their image on upgrade", () => {
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
    const [newer = ""] = queue(store, event("acme/a", "v1", "r:5000"));
    expect(store.olderRunsOfImage(newer, ["queued"]).map((r) => r.id)).toEqual([
      "01AAAAAAAAAAAAAAAAAAAAAAAA",
    ]);
  });
});

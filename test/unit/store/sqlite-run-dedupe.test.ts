import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { dedupeKeyOf, type PushEvent } from "../../../src/sources/push-event.js";
import { MIGRATIONS } from "../../../src/store/sqlite/migrations.js";
import { tempDir } from "../../support/test-config.js";
import { storeOpener } from "../../support/open-store.js";

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

const open = storeOpener();

// The heads rule itself is checked on every store by test/contract/dedupe-contract.ts.

describe("upgrading a store whose dedupe keys were unique", () => {
  const previous = MIGRATIONS.findIndex((sql) => sql.includes("CREATE TABLE heads"));
  const TABLES = ["events", "runs", "run_logs", "run_actions", "meta"];
  const at = (minute: number) => `2026-03-01T10:${String(minute).padStart(2, "0")}:00.000Z`;
  const ids = {
    a: "01AAAAAAAAAAAAAAAAAAAAAAA1",
    b: "01AAAAAAAAAAAAAAAAAAAAAAA2",
    hub: "01AAAAAAAAAAAAAAAAAAAAAAA3",
    // Received at the same time: the larger id is the newer.
    tieLow: "01AAAAAAAAAAAAAAAAAAAAAAA4",
    tieHigh: "01AAAAAAAAAAAAAAAAAAAAAAA5",
  };

  /** A file at the schema before heads, with events, runs, a retry, output, actions and meta. */
  function oldStore(path: string): void {
    const db = new Database(path);
    db.pragma("foreign_keys = ON");
    MIGRATIONS.slice(0, previous).forEach((sql) => db.exec(sql));
    db.pragma(`user_version = ${previous}`);
    const insertEvent = db.prepare(
      `INSERT INTO events (id, dedupe_key, source, registry, repository, tag, digest, pushed_at,
         pusher, callback_url, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'ci', NULL, ?)`,
    );
    const events: [string, PushEvent, string][] = [
      [ids.a, registryPush(A), at(1)],
      [ids.b, registryPush(B), at(2)],
      [ids.hub, hubPush("2026-03-01T09:00:00Z"), at(3)],
      [ids.tieLow, registryPush(A, { tag: "v2" }), at(4)],
      [ids.tieHigh, registryPush(B, { tag: "v2" }), at(4)],
    ];
    for (const [id, e, receivedAt] of events) {
      insertEvent.run(
        id,
        dedupeKeyOf(e),
        e.source,
        e.registry,
        e.repository,
        e.tag,
        e.digest ?? null,
        e.pushedAt.toISOString(),
        receivedAt,
      );
    }
    const insertRun = db.prepare(
      `INSERT INTO runs (id, event_id, pipeline, state, reason, attempt, image_digest, exit_code,
         steps, created_at, updated_at, finished_at, verdict, image, retry_of)
       VALUES (?, ?, 'web', ?, ?, 1, ?, ?, '{}', ?, ?, ?, ?, ?, ?)`,
    );
    const image = "127.0.0.1:5000/team/app:latest";
    insertRun.run(
      "R1",
      ids.a,
      "failed",
      "exit code 1",
      A,
      1,
      at(1),
      at(2),
      at(2),
      "failed",
      image,
      null,
    );
    insertRun.run("R2", ids.a, "queued", null, null, null, at(5), at(5), null, null, image, "R1");
    insertRun.run("R3", ids.b, "acting", null, B, 0, at(2), at(3), null, "passed", image, null);
    insertRun.run(
      "R4",
      ids.hub,
      "queued",
      null,
      null,
      null,
      at(3),
      at(3),
      null,
      null,
      "docker.io/acme/web:latest",
      null,
    );
    db.prepare(
      `INSERT INTO run_logs (run_id, head, tail, total_bytes, dropped_bytes, updated_at)
       VALUES ('R1', '[{"stream":"stdout","text":"boom\\n"}]', '[]', 5, 0, ?)`,
    ).run(at(2));
    db.prepare(
      `INSERT INTO run_actions (run_id, id, position, kind, target, state, created_at, updated_at)
       VALUES ('R3', 'success.0', 0, 'redeploy', 'http://deploy', 'pending', ?, ?)`,
    ).run(at(3), at(3));
    db.prepare("INSERT INTO meta (key, value) VALUES ('instance', '0123456789abcdef')").run();
    db.close();
  }

  function rowsOf(path: string): Record<string, unknown[]> {
    const db = new Database(path, { readonly: true });
    try {
      return Object.fromEntries(
        TABLES.map((table) => [table, db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all()]),
      );
    } finally {
      db.close();
    }
  }

  it("keeps every row and takes each tag's newest event for its head", async () => {
    const path = join(tempDir(), "runs.db");
    oldStore(path);
    const before = rowsOf(path);
    expect(before.runs).toHaveLength(4);

    const store = open(path);
    // Later migrations add columns (empty for these rows); every value there before is kept.
    expect(rowsOf(path)).toMatchObject(before);
    expect(await store.getRun("R2")).toMatchObject({
      retryOf: "R1",
      event: { id: ids.a, digest: A },
    });
    expect((await store.getOutput("R1"))?.head).toEqual([{ stream: "stdout", text: "boom\n" }]);
    expect((await store.listActions("R3")).map((a) => a.state)).toEqual(["pending"]);
    expect(await store.instanceId()).toBe("0123456789abcdef");

    const accept = async (e: PushEvent) =>
      (
        await store.accept(
          [{ event: e, dedupeKey: dedupeKeyOf(e), pipelines: ["web"] }],
          new Date(),
        )
      )[0];
    // latest points at B: B again is a duplicate of its event, A (a rollback) is a new push.
    expect(await accept(registryPush(B))).toEqual({ kind: "duplicate", eventId: ids.b });
    expect(await accept(hubPush("2026-03-01T09:00:00Z"))).toEqual({
      kind: "duplicate",
      eventId: ids.hub,
    });
    expect(await accept(registryPush(B, { tag: "v2" }))).toEqual({
      kind: "duplicate",
      eventId: ids.tieHigh,
    });
    expect((await accept(registryPush(A)))?.kind).toBe("recorded");
    expect((await accept(registryPush(A, { tag: "v2" })))?.kind).toBe("recorded");
    expect(await store.countRuns("queued")).toBe(4);
  });

  it("drops the unique dedupe key and keeps the foreign keys, enforced", async () => {
    const path = join(tempDir(), "runs.db");
    oldStore(path);
    const store = open(path);

    const db = new Database(path, { readonly: true });
    try {
      const { sql } = db
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'events'")
        .get() as { sql: string };
      expect(sql).not.toMatch(/UNIQUE/i);
      const indexes = db.prepare("PRAGMA index_list(events)").all() as { name: string }[];
      expect(indexes.map((i) => i.name)).toContain("events_by_repository");
      const references = (table: string) =>
        (db.prepare(`PRAGMA foreign_key_list(${table})`).all() as { table: string }[]).map(
          (fk) => fk.table,
        );
      expect(references("runs").sort()).toEqual(["events", "runs"]);
      expect(references("heads")).toEqual(["events"]);
      expect(db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    } finally {
      db.close();
    }
    // The store's own connection has them on again: an action of no run is refused.
    await expect(
      store.planActions("no-such-run", [{ id: "x", kind: "notify", target: "t" }], new Date()),
    ).rejects.toThrow(/FOREIGN KEY/);
  });
});

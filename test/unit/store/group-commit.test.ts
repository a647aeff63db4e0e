import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { dedupeKeyOf, type PushEvent } from "../../../src/sources/push-event.js";
import { GroupCommit } from "../../../src/store/group-commit.js";
import type { AcceptItem, AcceptOutcome } from "../../../src/store/run-store.js";
import { SqliteRunStore } from "../../../src/store/sqlite-run-store.js";
import { tempDir } from "../../support/test-config.js";

const item = (tag: string, pushedAt = new Date(0)): AcceptItem => {
  const event: PushEvent = {
    source: "dockerhub",
    registry: "docker.io",
    repository: "acme/web",
    tag,
    pushedAt,
  };
  return { event, dedupeKey: dedupeKeyOf(event), pipelines: ["web"] };
};

/** A store that counts transactions, over a real SQLite file. */
class CountingStore {
  transactions = 0;
  constructor(readonly store: SqliteRunStore) {}
  accept(items: readonly AcceptItem[], now: Date): AcceptOutcome[] {
    this.transactions += 1;
    return this.store.accept(items, now);
  }
}

const stores: SqliteRunStore[] = [];
afterEach(() => stores.splice(0).forEach((s) => s.close()));
function counting(): CountingStore {
  const store = new SqliteRunStore(join(tempDir(), "runs.db"));
  stores.push(store);
  return new CountingStore(store);
}

describe("GroupCommit", () => {
  it("writes deliveries that arrive together in one transaction, each answered with its own outcome", async () => {
    const store = counting();
    const commit = new GroupCommit(store);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => commit.accept([item(`v${i}`)], new Date())),
    );
    expect(store.transactions).toBe(1);
    expect(outcomes.map((o) => o.length)).toEqual(Array(20).fill(1));
    const runIds = outcomes.flatMap((o) => (o[0]?.kind === "recorded" ? o[0].runIds : []));
    expect(new Set(runIds).size).toBe(20);
    expect(store.store.listRuns({ limit: 50 })).toHaveLength(20);
  });

  it("tells the second of two identical deliveries in one batch that it is a duplicate", async () => {
    const commit = new GroupCommit(counting());
    const [a, b] = await Promise.all([
      commit.accept([item("v1")], new Date()),
      commit.accept([item("v1")], new Date()),
    ]);
    expect([a?.[0]?.kind, b?.[0]?.kind]).toEqual(["recorded", "duplicate"]);
  });

  it("isolates a delivery that cannot be written: the others in its batch are recorded", async () => {
    const store = counting();
    const commit = new GroupCommit(store);
    const valid = item("bad");
    // An invalid push time passes the key but makes the insert throw inside the transaction.
    const unwritable = { ...valid, event: { ...valid.event, pushedAt: new Date(Number.NaN) } };
    const results = await Promise.allSettled([
      commit.accept([item("ok1")], new Date()),
      commit.accept([unwritable], new Date()),
      commit.accept([item("ok2")], new Date()),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(
      store.store
        .listRuns({ limit: 10 })
        .map((r) => r.event.tag)
        .sort(),
    ).toEqual(["ok1", "ok2"]);
  });
});

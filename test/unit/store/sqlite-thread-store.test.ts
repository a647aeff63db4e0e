import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { dedupeKeyOf, type PushEvent } from "../../../src/sources/push-event.js";
import type { AcceptItem, RunStore } from "../../../src/store/run-store.js";
import { SqliteThreadStore } from "../../../src/store/sqlite/sqlite-thread-store.js";
import { tempDir } from "../../support/test-config.js";

const stores: RunStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

async function open(): Promise<RunStore> {
  const store = await SqliteThreadStore.open(join(tempDir(), "runs.db"));
  stores.push(store);
  return store;
}

const item = (tag: string, pushedAt = new Date(0)): AcceptItem => {
  const event: PushEvent = {
    source: "registry",
    registry: "127.0.0.1:5000",
    repository: "acme/web",
    tag,
    digest: `sha256:${tag.padStart(64, "0")}`,
    pushedAt,
  };
  return { event, dedupeKey: dedupeKeyOf(event), pipelines: ["web"] };
};

describe("the SQLite store in its thread, given deliveries together", () => {
  it("answers each delivery given in one turn with its own outcomes, in order", async () => {
    const store = await open();
    const now = new Date();
    // Not awaited one by one: given in the same turn, as webhooks read together are.
    const first = store.accept([item("1")], now);
    const again = store.accept([item("1")], now);
    const other = store.accept([item("2"), item("3")], now, { backlog: 10 });
    const refused = store.accept([item("4")], now, { backlog: 3 });
    const kinds = (await Promise.all([first, again, other, refused])).map((o) =>
      o.map((x) => x.kind),
    );
    expect(kinds).toEqual([
      ["recorded"],
      ["duplicate"],
      ["recorded", "recorded"],
      ["backlog-full"],
    ]);
    expect(await store.countRuns("queued")).toBe(3);
  });

  it("fails only the delivery that cannot be written", async () => {
    const store = await open();
    const now = new Date();
    const results = await Promise.allSettled([
      store.accept([item("1")], now),
      store.accept([item("2", new Date(Number.NaN))], now),
      store.accept([item("3")], now),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((await store.listRuns({ limit: 10 })).map((r) => r.event.tag).sort()).toEqual([
      "1",
      "3",
    ]);
  });
});

import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { dedupeKeyOf, type PushEvent } from "../../../src/sources/push-event.js";
import { MIGRATIONS } from "../../../src/store/migrations.js";
import { SqliteRunStore } from "../../../src/store/sqlite-run-store.js";
import { tempDir } from "../../support/test-config.js";

const event: PushEvent = {
  source: "dockerhub",
  registry: "docker.io",
  repository: "acme/web",
  tag: "v1",
  pushedAt: new Date("2026-01-02T03:04:05Z"),
};

const opened: SqliteRunStore[] = [];
afterEach(() => opened.splice(0).forEach((s) => s.close()));

function storeWithRun(path = join(tempDir(), "runs.db")): {
  store: SqliteRunStore;
  runId: string;
  path: string;
} {
  const store = new SqliteRunStore(path);
  opened.push(store);
  const [outcome] = store.accept(
    [{ event, dedupeKey: dedupeKeyOf(event), pipelines: ["web"] }],
    new Date(),
  );
  return { store, runId: outcome?.kind === "recorded" ? (outcome.runIds[0] ?? "") : "", path };
}

const PLAN = [
  { id: "success.0", kind: "jenkins", target: "deploy/web" },
  { id: "success.1", kind: "slack", target: "https://hooks.slack.com" },
  { id: "callback", kind: "callback", target: "https://registry.hub.docker.com" },
];

describe("SqliteRunStore actions", () => {
  it("plans a run's actions as pending, in order", () => {
    const { store, runId } = storeWithRun();
    const records = store.planActions(runId, PLAN, new Date("2026-03-01T00:00:00Z"));
    expect(
      records.map((r) => [r.id, r.kind, r.target, r.state, r.position, r.attemptCount]),
    ).toEqual([
      ["success.0", "jenkins", "deploy/web", "pending", 0, 0],
      ["success.1", "slack", "https://hooks.slack.com", "pending", 1, 0],
      ["callback", "callback", "https://registry.hub.docker.com", "pending", 2, 0],
    ]);
    expect(store.unfinishedActions().map((r) => r.id)).toEqual([
      "success.0",
      "success.1",
      "callback",
    ]);
  });

  it("keeps attempts, merges results and survives a reopening", () => {
    const { store, runId, path } = storeWithRun();
    store.planActions(runId, PLAN, new Date());
    store.recordActionAttempt(
      runId,
      "success.0",
      { at: "t1", ms: 5, error: "connection refused" },
      new Date(),
    );
    store.recordActionAttempt(runId, "success.0", { at: "t2", ms: 7, status: 201 }, new Date());
    store.updateAction(
      runId,
      "success.0",
      { state: "sent", result: { queueUrl: "http://j/queue/item/4/" } },
      new Date(),
    );
    store.updateAction(
      runId,
      "success.0",
      { state: "done", result: { buildNumber: 9 } },
      new Date(),
    );
    store.updateAction(
      runId,
      "success.1",
      { state: "failed", error: "HTTP 404: no_team" },
      new Date(),
    );
    store.close();

    const reopened = new SqliteRunStore(path);
    opened.push(reopened);
    const [jenkins, slack, callback] = reopened.listActions(runId);
    expect(jenkins).toMatchObject({
      state: "done",
      attemptCount: 2,
      attempts: [
        { at: "t1", ms: 5, error: "connection refused" },
        { at: "t2", ms: 7, status: 201 },
      ],
      result: { queueUrl: "http://j/queue/item/4/", buildNumber: 9 },
    });
    expect(jenkins?.error).toBeUndefined();
    expect(slack).toMatchObject({ state: "failed", error: "HTTP 404: no_team" });
    expect(callback?.state).toBe("pending");
    expect(reopened.unfinishedActions().map((r) => r.id)).toEqual(["callback"]);
  });

  it("keeps what a resumed run already did when it plans again", () => {
    const { store, runId } = storeWithRun();
    store.planActions(runId, PLAN, new Date());
    store.updateAction(runId, "success.0", { state: "done" }, new Date());
    const again = store.planActions(runId, PLAN, new Date());
    expect(again.map((r) => r.state)).toEqual(["done", "pending", "pending"]);
  });

  it("keeps the latest 20 calls and counts them all", () => {
    const { store, runId } = storeWithRun();
    store.planActions(runId, PLAN.slice(0, 1), new Date());
    for (let i = 0; i < 25; i++) {
      store.recordActionAttempt(
        runId,
        "success.0",
        { at: `t${i}`, ms: 1, status: 503 },
        new Date(),
      );
    }
    const [record] = store.listActions(runId);
    expect(record?.attemptCount).toBe(25);
    expect(record?.attempts).toHaveLength(20);
    expect(record?.attempts[0]?.at).toBe("t5");
  });

  it("upgrades a database made before actions existed", () => {
    const path = join(tempDir(), "old.db");
    const old = new Database(path);
    MIGRATIONS.slice(0, 2).forEach((sql) => old.exec(sql));
    old.pragma("user_version = 2");
    old.close();
    const { store, runId } = storeWithRun(path);
    expect(store.planActions(runId, PLAN, new Date())).toHaveLength(3);
  });
});

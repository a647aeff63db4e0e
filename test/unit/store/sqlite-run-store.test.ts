import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { dedupeKeyOf, type PushEvent } from "../../../src/sources/push-event.js";
import { SqliteRunStore } from "../../../src/store/sqlite-run-store.js";
import { StoreUnavailableError } from "../../../src/store/store-unavailable-error.js";
import { tempDir } from "../../support/test-config.js";
import { storeOpener } from "../../support/open-store.js";

const event = (tag: string, digest?: string): PushEvent => ({
  source: "registry",
  registry: "127.0.0.1:5000",
  repository: "acme/web",
  tag,
  ...(digest ? { digest } : {}),
  pushedAt: new Date("2026-01-02T03:04:05Z"),
  pusher: "ci",
});
const item = (e: PushEvent, pipelines = ["web"]) => ({
  event: e,
  dedupeKey: dedupeKeyOf(e),
  pipelines,
});

const open = storeOpener();

describe("SqliteRunStore", () => {
  it("records an event with one queued run per pipeline and reads it back whole", () => {
    const store = open();
    const digest = `sha256:${"b".repeat(64)}`;
    const [outcome] = store.accept(
      [item(event("v1", digest), ["web", "api"])],
      new Date("2026-02-02T00:00:00Z"),
    );
    expect(outcome?.kind).toBe("recorded");
    const runIds = outcome?.kind === "recorded" ? outcome.runIds : [];
    expect(runIds).toHaveLength(2);
    const run = store.getRun(runIds[0] ?? "");
    expect(run).toMatchObject({
      pipeline: "web",
      state: "queued",
      attempt: 0,
      steps: {},
      event: {
        source: "registry",
        registry: "127.0.0.1:5000",
        repository: "acme/web",
        tag: "v1",
        digest,
        pusher: "ci",
      },
    });
    expect(run?.event.pushedAt.toISOString()).toBe("2026-01-02T03:04:05.000Z");
    expect(run?.createdAt.toISOString()).toBe("2026-02-02T00:00:00.000Z");
  });

  it("knows a dedupe key it has seen, across reopenings", () => {
    const path = join(tempDir(), "runs.db");
    const first = open(path);
    first.accept([item(event("v1"))], new Date());
    first.close();
    const second = open(path);
    expect(
      second.accept([item(event("v1")), item(event("v2"))], new Date()).map((o) => o.kind),
    ).toEqual(["duplicate", "recorded"]);
    expect(second.listRuns({ limit: 10 })).toHaveLength(2);
  });

  it("writes a delivery all or nothing", () => {
    const store = open();
    // The second item's invalid date throws midway through the transaction.
    const bad = { ...item(event("v2")), event: { ...event("v2"), pushedAt: new Date(Number.NaN) } };
    expect(() => store.accept([item(event("v1")), bad], new Date())).toThrow();
    expect(store.listRuns({ limit: 10 })).toEqual([]);
  });

  it("moves a run only from the states given, stamping the end of final states", () => {
    const store = open();
    const [outcome] = store.accept([item(event("v1"))], new Date());
    const id = outcome?.kind === "recorded" ? (outcome.runIds[0] ?? "") : "";
    expect(store.transition(id, ["testing"], "passed")).toBe(false);
    expect(store.transition(id, ["queued"], "pulling", { attempt: 1 })).toBe(true);
    expect(
      store.transition(id, ["pulling"], "testing", { imageDigest: `sha256:${"c".repeat(64)}` }),
    ).toBe(true);
    expect(
      store.transition(id, ["testing"], "failed", { exitCode: 3, reason: "exit code 3" }),
    ).toBe(true);
    expect(store.getRun(id)).toMatchObject({
      state: "failed",
      exitCode: 3,
      reason: "exit code 3",
      attempt: 1,
    });
    expect(store.getRun(id)?.finishedAt).toBeInstanceOf(Date);
    expect(store.runsInStates(["queued", "pulling"])).toEqual([]);
  });

  it("keeps the verdict and the captured output of a run", () => {
    const store = open();
    const [outcome] = store.accept([item(event("v1"))], new Date());
    const id = outcome?.kind === "recorded" ? (outcome.runIds[0] ?? "") : "";
    expect(store.getOutput(id)).toBeUndefined();
    store.transition(id, ["queued"], "pulling");
    expect(store.transition(id, ["pulling"], "acting", { verdict: "errored", reason: "x" })).toBe(
      true,
    );
    expect(store.getRun(id)).toMatchObject({ state: "acting", verdict: "errored" });
    const output = {
      head: [{ stream: "stdout", text: "ok\n" }],
      tail: [{ stream: "stderr", text: "bye\n" }],
      totalBytes: 100,
      droppedBytes: 93,
    };
    store.saveOutput(id, output);
    store.saveOutput(id, { ...output, totalBytes: 101, droppedBytes: 94 });
    expect(store.getOutput(id)).toEqual({ ...output, totalBytes: 101, droppedBytes: 94 });
  });

  it("forgets a run's digest and output with the state change that asks it, or not at all", () => {
    const path = join(tempDir(), "runs.db");
    const store = open(path);
    const [outcome] = store.accept([item(event("v1"))], new Date());
    const id = outcome?.kind === "recorded" ? (outcome.runIds[0] ?? "") : "";
    const digest = `sha256:${"d".repeat(64)}`;
    store.transition(id, ["queued"], "testing", { attempt: 1, imageDigest: digest });
    const output = { head: [{ stream: "stdout", text: "one\n" }], tail: [], totalBytes: 4 };
    store.saveOutput(id, { ...output, droppedBytes: 0 });
    store.transition(id, ["testing"], "queued", { reason: "requeued" });
    const forget = { imageDigest: null, output: null } as const;

    expect(store.transition(id, ["testing"], "pulling", forget)).toBe(false);
    expect(store.getRun(id)?.imageDigest).toBe(digest);
    expect(store.getOutput(id)).toBeDefined();

    // The output cannot be forgotten (its table is gone): the run does not move either.
    const other = new Database(path);
    other.exec("ALTER TABLE run_logs RENAME TO run_logs_away");
    expect(() => store.transition(id, ["queued"], "pulling", forget)).toThrow();
    expect(store.getRun(id)).toMatchObject({ state: "queued", imageDigest: digest });
    other.exec("ALTER TABLE run_logs_away RENAME TO run_logs");
    other.close();

    expect(store.transition(id, ["queued"], "pulling", { attempt: 2, ...forget })).toBe(true);
    expect(store.getRun(id)).toMatchObject({ state: "pulling", attempt: 2 });
    expect(store.getRun(id)?.imageDigest).toBeUndefined();
    expect(store.getOutput(id)).toBeUndefined();
    expect(store.countRuns("pulling")).toBe(1);
  });

  it("counts runs per state exactly through its own writes, and re-reads after another connection's", () => {
    const path = join(tempDir(), "runs.db");
    const store = open(path);
    const truth = (state: string): number => {
      const db = new Database(path, { readonly: true });
      const row = db.prepare("SELECT count(*) AS n FROM runs WHERE state = ?").get(state);
      db.close();
      return (row as { n: number }).n;
    };
    expect(store.countRuns("queued")).toBe(0);
    const ids = store
      .accept([item(event("v1"), ["web", "api"]), item(event("v2"))], new Date())
      .flatMap((o) => (o.kind === "recorded" ? o.runIds : []));
    expect([store.countRuns("queued"), store.countRuns("pulling")]).toEqual([3, 0]);
    const [a = "", b = "", c = ""] = ids;
    store.transition(a, ["queued"], "pulling");
    store.transition(b, ["queued", "pulling"], "cancelled");
    expect(store.transition(b, ["queued"], "pulling")).toBe(false);
    store.transition(a, ["pulling", "testing"], "failed");
    store.retry(a, new Date());
    for (const state of ["queued", "pulling", "failed", "cancelled"] as const) {
      expect([state, store.countRuns(state)]).toEqual([state, truth(state)]);
    }
    const other = new SqliteRunStore(path);
    other.transition(c, ["queued"], "cancelled");
    other.close();
    expect([store.countRuns("queued"), store.countRuns("cancelled")]).toEqual([
      truth("queued"),
      truth("cancelled"),
    ]);
    expect(store.countRuns("queued")).toBe(1);
  });

  it("keeps one instance id for the life of the file", () => {
    const path = join(tempDir(), "runs.db");
    const id = open(path).instanceId();
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(open(path).instanceId()).toBe(id);
  });

  it("reports a store it cannot read as unavailable", () => {
    const path = join(tempDir(), "runs.db");
    const store = open(path);
    const other = new Database(path);
    other.exec("DROP TABLE runs");
    other.close();
    expect(() => store.ping()).toThrow(StoreUnavailableError);
  });
});

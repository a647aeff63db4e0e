import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { isFinal, type RunState } from "../pipeline/run-states.js";
import { headKeyOf } from "../sources/push-event.js";
import { MIGRATIONS } from "./migrations.js";
import { StoreUnavailableError } from "./store-unavailable-error.js";
import { createIdGenerator } from "./new-id.js";
import { SqliteRunActions } from "./sqlite-run-actions.js";
import { imageKeyOf, SELECT_RUN, toRecord, type RunRow } from "./sqlite-run-rows.js";
import { RunStateCounts } from "./run-state-counts.js";
import { SqliteRunQueue } from "./sqlite-run-queue.js";
import type {
  AcceptItem,
  AcceptOutcome,
  ActionAttempt,
  ActionRecord,
  ActionUpdate,
  PlannedAction,
  RunFilter,
  RunOutput,
  RunRecord,
  RunStore,
  RunUpdate,
} from "./run-store.js";

/** How long a statement waits for another process's lock before the store counts as unavailable. */
const BUSY_MS = 5000;
/** The same, for the readiness check: it answers quickly. */
const PING_BUSY_MS = 500;

/** The embedded default store: one SQLite file in WAL mode, written synchronously. */
export class SqliteRunStore implements RunStore {
  private readonly db: Database.Database;
  private readonly newId = createIdGenerator();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly actions: SqliteRunActions;
  private readonly queue: SqliteRunQueue;
  private readonly counts: RunStateCounts;

  constructor(path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    // FULL: a run acknowledged with 202 survives power loss, not only a process crash.
    this.db.pragma("synchronous = FULL");
    this.db.pragma("foreign_keys = ON");
    this.db.pragma(`busy_timeout = ${BUSY_MS}`);
    this.migrate();
    this.actions = new SqliteRunActions(this.db, (sql) => this.prepare(sql));
    this.queue = new SqliteRunQueue((sql) => this.prepare(sql), this.newId);
    this.counts = new RunStateCounts(
      () =>
        this.prepare<[], { data_version: number }>("PRAGMA data_version").get()?.data_version ?? -1,
      (state) => this.queue.count(state),
    );
  }

  private migrate(): void {
    const current = this.db.pragma("user_version", { simple: true }) as number;
    if (current > MIGRATIONS.length) {
      throw new Error(
        `store schema version ${current} is newer than this pushgate (${MIGRATIONS.length})`,
      );
    }
    if (current === MIGRATIONS.length) return;
    // SQLite's procedure for rebuilding a table others refer to: foreign keys off outside the
    // transaction (the pragma does nothing inside one), checked before the commit, on again.
    this.db.pragma("foreign_keys = OFF");
    try {
      this.db.transaction(() => {
        MIGRATIONS.slice(current).forEach((sql) => this.db.exec(sql));
        const broken = this.db.pragma("foreign_key_check") as { table: string }[];
        if (broken.length > 0) {
          const where = broken[0]?.table;
          throw new Error(`store upgrade left ${broken.length} dangling references (in ${where})`);
        }
        this.db.pragma(`user_version = ${MIGRATIONS.length}`);
      })();
    } finally {
      this.db.pragma("foreign_keys = ON");
    }
  }

  /** A statement compiled once and reused: intake and the scheduler run the same few often. */
  private prepare<P extends unknown[] | object = unknown[], R = unknown>(
    sql: string,
  ): Database.Statement<P, R> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as unknown as Database.Statement<P, R>;
  }

  accept(items: readonly AcceptItem[], now: Date): AcceptOutcome[] {
    const findHead = this.prepare<[string], { dedupe_key: string; event_id: string }>(
      "SELECT dedupe_key, event_id FROM heads WHERE head_key = ?",
    );
    const moveHead = this.prepare(
      `INSERT INTO heads (head_key, dedupe_key, event_id) VALUES (?, ?, ?)
       ON CONFLICT (head_key) DO UPDATE SET dedupe_key = excluded.dedupe_key,
         event_id = excluded.event_id`,
    );
    const insertEvent = this.prepare(
      `INSERT INTO events (id, dedupe_key, source, registry, repository, tag, digest, pushed_at,
         pusher, callback_url, received_at)
       VALUES (@id, @dedupeKey, @source, @registry, @repository, @tag, @digest, @pushedAt,
         @pusher, @callbackUrl, @receivedAt)`,
    );
    const insertRun = this.prepare(
      `INSERT INTO runs (id, event_id, pipeline, state, image, created_at, updated_at)
       VALUES (?, ?, ?, 'queued', ?, ?, ?)`,
    );
    const at = now.toISOString();
    const record = this.db.transaction(() =>
      items.map(({ event, dedupeKey, pipelines }): AcceptOutcome => {
        // In order: the second of two equal items in one batch finds the first as its head.
        const headKey = headKeyOf(event);
        const head = findHead.get(headKey);
        if (head?.dedupe_key === dedupeKey) return { kind: "duplicate", eventId: head.event_id };
        const eventId = this.newId(now.getTime());
        insertEvent.run({
          id: eventId,
          dedupeKey,
          source: event.source,
          registry: event.registry,
          repository: event.repository,
          tag: event.tag,
          digest: event.digest ?? null,
          pushedAt: event.pushedAt.toISOString(),
          pusher: event.pusher ?? null,
          callbackUrl: event.callbackUrl ?? null,
          receivedAt: at,
        });
        moveHead.run(headKey, dedupeKey, eventId);
        const runIds = pipelines.map((pipeline) => {
          const runId = this.newId(now.getTime());
          insertRun.run(runId, eventId, pipeline, imageKeyOf(event), at, at);
          return runId;
        });
        return { kind: "recorded", eventId, runIds };
      }),
    );
    let outcomes: AcceptOutcome[];
    try {
      outcomes = record();
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
    const created = outcomes.reduce((n, o) => n + (o.kind === "recorded" ? o.runIds.length : 0), 0);
    this.counts.moved(undefined, "queued", created);
    return outcomes;
  }

  getRun(id: string): RunRecord | undefined {
    const row = this.prepare<[string], RunRow>(`${SELECT_RUN} WHERE r.id = ?`).get(id);
    return row && toRecord(row);
  }

  listRuns(filter: RunFilter): RunRecord[] {
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: filter.limit };
    if (filter.repository !== undefined) {
      where.push("e.repository = @repository");
      params.repository = filter.repository;
    }
    if (filter.state !== undefined) {
      where.push("r.state = @state");
      params.state = filter.state;
    }
    if (filter.pipeline !== undefined) {
      where.push("r.pipeline = @pipeline");
      params.pipeline = filter.pipeline;
    }
    if (filter.before !== undefined) {
      where.push("r.id < @before");
      params.before = filter.before;
    }
    const sql = `${SELECT_RUN} ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY r.id DESC LIMIT @limit`;
    return this.prepare<[typeof params], RunRow>(sql).all(params).map(toRecord);
  }

  transition(id: string, from: readonly RunState[], to: RunState, update: RunUpdate = {}): boolean {
    const now = new Date().toISOString();
    const sets = ["state = @to", "updated_at = @now"];
    const params: Record<string, string | number | null> = { id, to, now };
    if (isFinal(to)) sets.push("finished_at = @now");
    if (update.reason !== undefined) {
      sets.push("reason = @reason");
      params.reason = update.reason;
    }
    if (update.imageDigest !== undefined) {
      sets.push("image_digest = @imageDigest");
      params.imageDigest = update.imageDigest;
    }
    if (update.source !== undefined) {
      sets.push("image_source = @source");
      params.source = update.source === null ? null : JSON.stringify(update.source);
    }
    if (update.exitCode !== undefined) {
      sets.push("exit_code = @exitCode");
      params.exitCode = update.exitCode;
    }
    if (update.attempt !== undefined) {
      sets.push("attempt = @attempt");
      params.attempt = update.attempt;
    }
    if (update.verdict !== undefined) {
      sets.push("verdict = @verdict");
      params.verdict = update.verdict;
    }
    if (update.steps !== undefined) {
      sets.push("steps = @steps");
      params.steps = JSON.stringify(update.steps);
    }
    const states = from.map((_, i) => `@from${i}`);
    from.forEach((state, i) => (params[`from${i}`] = state));
    // The state it leaves, for the counts: read first when several were allowed.
    const before =
      from.length === 1
        ? from[0]
        : this.prepare<[string], { state: RunState }>("SELECT state FROM runs WHERE id = ?").get(id)
            ?.state;
    const move = this.prepare(
      `UPDATE runs SET ${sets.join(", ")} WHERE id = @id AND state IN (${states.join(", ")})`,
    );
    const write = (): boolean => {
      if (move.run(params).changes !== 1) return false;
      if (update.output === null) this.prepare("DELETE FROM run_logs WHERE run_id = ?").run(id);
      return true;
    };
    // Forgetting the output goes with the state change: both are written, or neither.
    const moved = update.output === null ? this.db.transaction(write)() : write();
    if (!moved) return false;
    this.counts.moved(before, to);
    return true;
  }

  runsInStates(states: readonly RunState[]): RunRecord[] {
    if (states.length === 0) return [];
    const marks = states.map(() => "?").join(", ");
    return this.prepare<string[], RunRow>(
      `${SELECT_RUN} WHERE r.state IN (${marks}) ORDER BY r.id ASC`,
    )
      .all(...states)
      .map(toRecord);
  }

  nextQueued(pipeline: string, limit: number): RunRecord[] {
    return this.queue.next(pipeline, limit);
  }

  queuedPipelines(): string[] {
    return this.queue.pipelines();
  }

  countRuns(state: RunState): number {
    return this.counts.get(state);
  }

  olderRunsOfImage(runId: string, states: readonly RunState[]): RunRecord[] {
    return this.queue.olderOfImage(runId, states);
  }

  retry(runId: string, now: Date): string | undefined {
    let id: string | undefined;
    try {
      id = this.queue.retry(runId, now);
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
    if (id !== undefined) this.counts.moved(undefined, "queued");
    return id;
  }

  saveOutput(runId: string, output: RunOutput): void {
    this.prepare(
      `INSERT INTO run_logs (run_id, head, tail, total_bytes, dropped_bytes, updated_at)
         VALUES (@runId, @head, @tail, @totalBytes, @droppedBytes, @now)
         ON CONFLICT (run_id) DO UPDATE SET head = @head, tail = @tail,
           total_bytes = @totalBytes, dropped_bytes = @droppedBytes, updated_at = @now`,
    ).run({
      runId,
      head: JSON.stringify(output.head),
      tail: JSON.stringify(output.tail),
      totalBytes: output.totalBytes,
      droppedBytes: output.droppedBytes,
      now: new Date().toISOString(),
    });
  }

  getOutput(runId: string): RunOutput | undefined {
    const row = this.prepare<
      [string],
      { head: string; tail: string; total_bytes: number; dropped_bytes: number }
    >("SELECT head, tail, total_bytes, dropped_bytes FROM run_logs WHERE run_id = ?").get(runId);
    return (
      row && {
        head: JSON.parse(row.head) as RunOutput["head"],
        tail: JSON.parse(row.tail) as RunOutput["tail"],
        totalBytes: row.total_bytes,
        droppedBytes: row.dropped_bytes,
      }
    );
  }

  planActions(runId: string, actions: readonly PlannedAction[], now: Date): ActionRecord[] {
    return this.actions.plan(runId, actions, now);
  }

  listActions(runId: string): ActionRecord[] {
    return this.actions.list(runId);
  }

  recordActionAttempt(runId: string, actionId: string, attempt: ActionAttempt, now: Date): void {
    this.actions.recordAttempt(runId, actionId, attempt, now);
  }

  updateAction(runId: string, actionId: string, update: ActionUpdate, now: Date): void {
    this.actions.update(runId, actionId, update, now);
  }

  unfinishedActions(): ActionRecord[] {
    return this.actions.unfinished();
  }

  instanceId(): string {
    const read = this.prepare<[], { value: string }>(
      "SELECT value FROM meta WHERE key = 'instance'",
    );
    const existing = read.get();
    if (existing) return existing.value;
    this.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('instance', ?)").run(
      randomBytes(8).toString("hex"),
    );
    return read.get()?.value ?? "";
  }

  queuePaused(): boolean {
    const row = this.prepare<[], { value: string }>(
      "SELECT value FROM meta WHERE key = 'queue.paused'",
    ).get();
    return row?.value === "true";
  }

  setQueuePaused(paused: boolean): void {
    this.prepare(
      `INSERT INTO meta (key, value) VALUES ('queue.paused', ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    ).run(String(paused));
  }

  ping(): void {
    // A delivery needs a write: take the write lock and let it go, waiting briefly for it.
    this.db.pragma(`busy_timeout = ${PING_BUSY_MS}`);
    try {
      this.prepare("SELECT count(*) FROM runs").get();
      this.db.exec("BEGIN IMMEDIATE; ROLLBACK");
    } catch (error) {
      throw new StoreUnavailableError(error);
    } finally {
      this.db.pragma(`busy_timeout = ${BUSY_MS}`);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

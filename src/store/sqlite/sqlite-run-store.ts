import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { isFinal, type RunState } from "../../pipeline/run-states.js";
import { GroupCommit, runsWritten } from "../group-commit.js";
import { createIdGenerator } from "../new-id.js";
import { runUpdateColumns } from "../run-update-columns.js";
import { StoreUnavailableError } from "../store-unavailable-error.js";
import type {
  AcceptItem,
  AcceptOptions,
  AcceptOutcome,
  ActionAttempt,
  ActionRecord,
  ActionUpdate,
  HeldRun,
  Lease,
  PlannedAction,
  Promotion,
  Pruned,
  RetentionPolicy,
  RunFilter,
  RunOutput,
  RunRecord,
  RunStore,
  RunUpdate,
  SessionRecord,
  StopRequest,
} from "../run-store.js";
import { HELD_STATES } from "../stop-request.js";
import { SqliteClaims } from "./sqlite-claims.js";
import { SqliteRetention } from "./sqlite-retention.js";
import { lockSqliteFile, type FileLock } from "./lock-sqlite-file.js";
import { migrateSqlite } from "./migrate-sqlite.js";
import { RunStateCounts } from "./run-state-counts.js";
import { acceptDeliveries } from "./sqlite-accept.js";
import { SqlitePromotions } from "./sqlite-promotions.js";
import { SqliteRunActions } from "./sqlite-run-actions.js";
import { SqliteRunQueue } from "./sqlite-run-queue.js";
import { SqliteSessions } from "./sqlite-sessions.js";
import { SELECT_RUN, toRecord, type RunRow } from "./sqlite-run-rows.js";

/** The connection's page cache, in KiB. */
const CACHE_KIB = 2000;
/** How long a statement waits for another process's lock before the store counts as unavailable. */
const BUSY_MS = 5000;
/** The same, for the readiness check: it answers quickly. */
const PING_BUSY_MS = 500;

/**
 * The embedded default store: one SQLite file in WAL mode, written synchronously
 * (better-sqlite3, synchronous = FULL) behind the asynchronous contract: each method does its
 * work when called and hands over the result, or StoreUnavailableError. Deliveries arriving
 * together share one transaction (GroupCommit).
 */
export class SqliteRunStore implements RunStore {
  private readonly db: Database.Database;
  private readonly newId = createIdGenerator();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly actions: SqliteRunActions;
  private readonly promotions: SqlitePromotions;
  private readonly queue: SqliteRunQueue;
  private readonly sessions: SqliteSessions;
  private readonly counts: RunStateCounts;
  private readonly claims: SqliteClaims;
  private readonly retention: SqliteRetention;
  private readonly commit = new GroupCommit((deliveries, now) =>
    this.run(() => {
      const outcomes = acceptDeliveries(
        this.db,
        this.prepare,
        this.promotions,
        this.newId,
        deliveries,
        now,
        () => this.counts.get("queued"),
      );
      this.counts.moved(undefined, "queued", runsWritten(outcomes.flat()));
      return outcomes;
    }),
  );

  /** Let go when the store closes: the file's lock of a server (openStore). */
  private lock: FileLock | undefined;

  /** `exclusive`: holds the file's lock until closed (a second pushgate on it refuses to start). */
  constructor(path: string, options: { exclusive?: boolean } = {}) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    if (options.exclusive && path !== ":memory:") this.lock = lockSqliteFile(path);
    try {
      this.db = new Database(path);
      this.db.pragma("journal_mode = WAL");
      // FULL: a run acknowledged with 202 survives power loss, not only a process crash.
      this.db.pragma("synchronous = FULL");
      // SQLite's own default page cache (2 MB): better-sqlite3 builds SQLite with 16 MB, which
      // a store that mostly appends fills with pages it never reads again.
      this.db.pragma(`cache_size = -${CACHE_KIB}`);
      this.db.pragma("foreign_keys = ON");
      this.db.pragma(`busy_timeout = ${BUSY_MS}`);
      migrateSqlite(this.db, path);
    } catch (error) {
      this.lock?.release();
      throw error;
    }
    this.actions = new SqliteRunActions(this.db, this.prepare);
    this.promotions = new SqlitePromotions(this.prepare);
    this.queue = new SqliteRunQueue(this.prepare, this.newId);
    this.sessions = new SqliteSessions(this.prepare);
    this.claims = new SqliteClaims(this.db, this.prepare);
    this.retention = new SqliteRetention(this.db, this.prepare);
    this.counts = new RunStateCounts(
      () =>
        this.prepare<[], { data_version: number }>("PRAGMA data_version").get()?.data_version ?? -1,
      (state) => this.queue.count(state),
    );
  }

  /** A statement compiled once and reused: intake and the scheduler run the same few often. */
  private readonly prepare = <P extends unknown[] | object = unknown[], R = unknown>(
    sql: string,
  ): Database.Statement<P, R> => {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as unknown as Database.Statement<P, R>;
  };

  /** Does `work` now; its result, or what it threw as StoreUnavailableError, as a promise. */
  private run<T>(work: () => T): Promise<T> {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(new StoreUnavailableError(error));
    }
  }

  accept(
    items: readonly AcceptItem[],
    now: Date,
    options?: AcceptOptions,
  ): Promise<AcceptOutcome[]> {
    return this.commit.accept(items, now, options);
  }

  getRun(id: string): Promise<RunRecord | undefined> {
    return this.run(() => {
      const row = this.prepare<[string], RunRow>(`${SELECT_RUN} WHERE r.id = ?`).get(id);
      return row && toRecord(row);
    });
  }

  listRuns(filter: RunFilter): Promise<RunRecord[]> {
    return this.run(() => this.queue.list(filter));
  }

  transition(
    id: string,
    from: readonly RunState[],
    to: RunState,
    update: RunUpdate = {},
    attempt?: number,
  ): Promise<boolean> {
    return this.run(() => {
      const now = new Date().toISOString();
      const sets = ["state = @to", "updated_at = @now"];
      const params: Record<string, string | number | null> = { id, to, now };
      if (isFinal(to)) sets.push("finished_at = @now");
      if (!(HELD_STATES as readonly RunState[]).includes(to)) {
        sets.push(
          "lease_owner = NULL, lease_engine = NULL, lease_until = NULL, stop_request = NULL",
        );
      }
      const guard = attempt === undefined ? "" : " AND attempt = @guardAttempt";
      if (attempt !== undefined) params.guardAttempt = attempt;
      for (const { column, value } of runUpdateColumns(update)) {
        sets.push(`${column} = @${column}`);
        params[column] = value;
      }
      const states = from.map((_, i) => `@from${i}`);
      from.forEach((state, i) => (params[`from${i}`] = state));
      // The state it leaves, for the counts: read first when several were allowed.
      const before =
        from.length === 1
          ? from[0]
          : this.prepare<[string], { state: RunState }>("SELECT state FROM runs WHERE id = ?").get(
              id,
            )?.state;
      const move = this.prepare(
        `UPDATE runs SET ${sets.join(", ")} WHERE id = @id AND state IN (${states.join(", ")})${guard}`,
      );
      const write = (): boolean => {
        if (move.run(params).changes !== 1) return false;
        if (update.output === null) this.prepare("DELETE FROM run_logs WHERE run_id = ?").run(id);
        return true;
      };
      // Forgetting the output goes with the state change: both are written, or neither.
      const moved = update.output === null ? this.db.transaction(write)() : write();
      if (moved) this.counts.moved(before, to);
      return moved;
    });
  }

  claimRuns(
    pipeline: string,
    limit: number,
    pipelineLimit: number | undefined,
    lease: Lease,
    now: Date,
  ): Promise<RunRecord[]> {
    return this.run(() => {
      const claimed = this.claims.claim(pipeline, limit, pipelineLimit, lease, now);
      this.counts.moved("queued", "pulling", claimed.length);
      return claimed;
    });
  }

  abandonedRuns(now: Date, gone?: string): Promise<RunRecord[]> {
    return this.run(() => this.claims.abandoned(now, gone));
  }

  claimActing(lease: Lease, now: Date, gone?: string): Promise<RunRecord[]> {
    return this.run(() => this.claims.claimActing(lease, now, gone));
  }

  renewLeases(lease: Lease, runIds: readonly string[], now: Date): Promise<HeldRun[]> {
    return this.run(() => this.claims.renew(lease, runIds, now));
  }

  requestStop(runId: string, stop: StopRequest): Promise<boolean> {
    return this.run(() => this.claims.requestStop(runId, stop));
  }

  prune(policy: RetentionPolicy, batch: number): Promise<Pruned> {
    return this.run(() => this.retention.prune(policy, batch));
  }

  prunable(policy: RetentionPolicy): Promise<Pruned> {
    return this.run(() => this.retention.prunable(policy));
  }

  runsInStates(states: readonly RunState[]): Promise<RunRecord[]> {
    return this.run(() => this.queue.inStates(states));
  }

  nextQueued(pipeline: string, limit: number): Promise<RunRecord[]> {
    return this.run(() => this.queue.next(pipeline, limit));
  }

  queuedPipelines(): Promise<string[]> {
    return this.run(() => this.queue.pipelines());
  }

  countRuns(state: RunState): Promise<number> {
    return this.run(() => this.counts.get(state));
  }

  olderRunsOfImage(runId: string, states: readonly RunState[]): Promise<RunRecord[]> {
    return this.run(() => this.queue.olderOfImage(runId, states));
  }

  retry(runId: string, now: Date): Promise<string | undefined> {
    return this.run(() => {
      const id = this.queue.retry(runId, now);
      if (id !== undefined) this.counts.moved(undefined, "queued");
      return id;
    });
  }

  saveOutput(runId: string, output: RunOutput): Promise<void> {
    return this.run(() => {
      this.prepare(
        `INSERT INTO run_logs (run_id, head, tail, total_bytes, dropped_bytes, updated_at)
           VALUES (@runId, @head, @tail, @totalBytes, @droppedBytes, @now)
           ON CONFLICT (run_id) DO UPDATE SET head = @head, tail = @tail,
             total_bytes = @totalBytes, dropped_bytes = @droppedBytes, updated_at = @now
           WHERE run_logs.total_bytes <= @totalBytes`,
      ).run({
        runId,
        head: JSON.stringify(output.head),
        tail: JSON.stringify(output.tail),
        totalBytes: output.totalBytes,
        droppedBytes: output.droppedBytes,
        now: new Date().toISOString(),
      });
    });
  }

  getOutput(runId: string): Promise<RunOutput | undefined> {
    return this.run(() => {
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
    });
  }

  planActions(
    runId: string,
    actions: readonly PlannedAction[],
    now: Date,
  ): Promise<ActionRecord[]> {
    return this.run(() => this.actions.plan(runId, actions, now));
  }

  listActions(runId: string): Promise<ActionRecord[]> {
    return this.run(() => this.actions.list(runId));
  }

  recordActionAttempt(
    runId: string,
    actionId: string,
    attempt: ActionAttempt,
    now: Date,
  ): Promise<void> {
    return this.run(() => this.actions.recordAttempt(runId, actionId, attempt, now));
  }

  updateAction(runId: string, actionId: string, update: ActionUpdate, now: Date): Promise<void> {
    return this.run(() => this.actions.update(runId, actionId, update, now));
  }

  unfinishedActions(): Promise<ActionRecord[]> {
    return this.run(() => this.actions.unfinished());
  }

  savePromotion(promotion: Omit<Promotion, "promotedAt">, now: Date): Promise<void> {
    return this.run(() => this.promotions.save(promotion, now));
  }

  listPromotions(runId: string): Promise<Promotion[]> {
    return this.run(() => this.promotions.list(runId));
  }

  forgetPromotion(
    promotion: Pick<Promotion, "runId" | "registry" | "repository" | "tag">,
  ): Promise<void> {
    return this.run(() => this.promotions.forget(promotion));
  }

  instanceId(): Promise<string> {
    return this.run(() => {
      const read = this.prepare<[], { value: string }>(
        "SELECT value FROM meta WHERE key = 'instance'",
      );
      const existing = read.get();
      if (existing) return existing.value;
      this.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('instance', ?)").run(
        randomBytes(8).toString("hex"),
      );
      return read.get()?.value ?? "";
    });
  }

  queuePaused(): Promise<boolean> {
    return this.run(() => {
      const row = this.prepare<[], { value: string }>(
        "SELECT value FROM meta WHERE key = 'queue.paused'",
      ).get();
      return row?.value === "true";
    });
  }

  setQueuePaused(paused: boolean): Promise<void> {
    return this.run(() => {
      this.prepare(
        `INSERT INTO meta (key, value) VALUES ('queue.paused', ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      ).run(String(paused));
    });
  }

  createSession(session: SessionRecord): Promise<void> {
    return this.run(() => this.sessions.create(session));
  }

  getSession(idHash: string): Promise<SessionRecord | undefined> {
    return this.run(() => this.sessions.get(idHash));
  }

  touchSession(idHash: string, at: Date): Promise<void> {
    return this.run(() => this.sessions.touch(idHash, at));
  }

  deleteSession(idHash: string): Promise<void> {
    return this.run(() => this.sessions.delete(idHash));
  }

  deleteIdleSessions(before: Date): Promise<number> {
    return this.run(() => this.sessions.deleteIdle(before));
  }

  ping(): Promise<void> {
    // A delivery needs a write: take the write lock and let it go, waiting briefly for it.
    return this.run(() => {
      this.db.pragma(`busy_timeout = ${PING_BUSY_MS}`);
      try {
        this.prepare("SELECT count(*) FROM runs").get();
        this.db.exec("BEGIN IMMEDIATE; ROLLBACK");
      } finally {
        this.db.pragma(`busy_timeout = ${BUSY_MS}`);
      }
    });
  }

  close(): Promise<void> {
    if (this.db.open) this.db.close();
    this.lock?.release();
    return Promise.resolve();
  }
}

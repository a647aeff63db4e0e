import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { Verdict } from "../pipeline/outcome.js";
import { isFinal, type RunState } from "../pipeline/run-states.js";
import type { SourceName } from "../sources/push-event.js";
import { MIGRATIONS } from "./migrations.js";
import { StoreUnavailableError } from "./store-unavailable-error.js";
import { createIdGenerator } from "./new-id.js";
import { SqliteRunActions } from "./sqlite-run-actions.js";
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

interface RunRow {
  id: string;
  pipeline: string;
  state: RunState;
  reason: string | null;
  attempt: number;
  image_digest: string | null;
  exit_code: number | null;
  verdict: Verdict | null;
  steps: string;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  event_id: string;
  source: SourceName;
  registry: string;
  repository: string;
  tag: string;
  digest: string | null;
  pushed_at: string;
  pusher: string | null;
  callback_url: string | null;
  received_at: string;
}

const SELECT_RUN = `SELECT r.*, e.source, e.registry, e.repository, e.tag, e.digest, e.pushed_at,
  e.pusher, e.callback_url, e.received_at FROM runs r JOIN events e ON e.id = r.event_id`;

/** The embedded default store: one SQLite file in WAL mode, written synchronously. */
export class SqliteRunStore implements RunStore {
  private readonly db: Database.Database;
  private readonly newId = createIdGenerator();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly actions: SqliteRunActions;

  constructor(path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    // FULL: a run acknowledged with 202 survives power loss, not only a process crash.
    this.db.pragma("synchronous = FULL");
    this.db.pragma("foreign_keys = ON");
    this.db.pragma("busy_timeout = 5000");
    this.migrate();
    this.actions = new SqliteRunActions(this.db, (sql) => this.prepare(sql));
  }

  private migrate(): void {
    const current = this.db.pragma("user_version", { simple: true }) as number;
    if (current > MIGRATIONS.length) {
      throw new Error(
        `store schema version ${current} is newer than this pushgate (${MIGRATIONS.length})`,
      );
    }
    this.db.transaction(() => {
      MIGRATIONS.slice(current).forEach((sql) => this.db.exec(sql));
      this.db.pragma(`user_version = ${MIGRATIONS.length}`);
    })();
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
    const findEvent = this.prepare<[string], { id: string }>(
      "SELECT id FROM events WHERE dedupe_key = ?",
    );
    const insertEvent = this.prepare(
      `INSERT INTO events (id, dedupe_key, source, registry, repository, tag, digest, pushed_at,
         pusher, callback_url, received_at)
       VALUES (@id, @dedupeKey, @source, @registry, @repository, @tag, @digest, @pushedAt,
         @pusher, @callbackUrl, @receivedAt)`,
    );
    const insertRun = this.prepare(
      `INSERT INTO runs (id, event_id, pipeline, state, created_at, updated_at)
       VALUES (?, ?, ?, 'queued', ?, ?)`,
    );
    const at = now.toISOString();
    const record = this.db.transaction(() =>
      items.map(({ event, dedupeKey, pipelines }): AcceptOutcome => {
        const known = findEvent.get(dedupeKey);
        if (known) return { kind: "duplicate", eventId: known.id };
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
        const runIds = pipelines.map((pipeline) => {
          const runId = this.newId(now.getTime());
          insertRun.run(runId, eventId, pipeline, at, at);
          return runId;
        });
        return { kind: "recorded", eventId, runIds };
      }),
    );
    try {
      return record();
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
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
    const result = this.prepare(
      `UPDATE runs SET ${sets.join(", ")} WHERE id = @id AND state IN (${states.join(", ")})`,
    ).run(params);
    return result.changes === 1;
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

  ping(): void {
    try {
      this.prepare("SELECT count(*) FROM runs").get();
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function toRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    pipeline: row.pipeline,
    state: row.state,
    ...(row.reason !== null ? { reason: row.reason } : {}),
    attempt: row.attempt,
    event: {
      id: row.event_id,
      source: row.source,
      registry: row.registry,
      repository: row.repository,
      tag: row.tag,
      ...(row.digest !== null ? { digest: row.digest } : {}),
      pushedAt: new Date(row.pushed_at),
      ...(row.pusher !== null ? { pusher: row.pusher } : {}),
      ...(row.callback_url !== null ? { callbackUrl: row.callback_url } : {}),
      receivedAt: new Date(row.received_at),
    },
    ...(row.image_digest !== null ? { imageDigest: row.image_digest } : {}),
    ...(row.exit_code !== null ? { exitCode: row.exit_code } : {}),
    ...(row.verdict !== null ? { verdict: row.verdict } : {}),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    ...(row.finished_at !== null ? { finishedAt: new Date(row.finished_at) } : {}),
    steps: JSON.parse(row.steps) as RunRecord["steps"],
  };
}

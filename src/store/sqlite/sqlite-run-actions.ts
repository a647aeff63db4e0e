import type Database from "better-sqlite3";
import {
  UNFINISHED_ACTION_STATES,
  type ActionAttempt,
  type ActionRecord,
  type ActionUpdate,
  type PlannedAction,
} from "../run-store.js";
import { toActionRecord, type ActionRow as CommonActionRow } from "../run-rows.js";

/** How many calls an action's history keeps; the count goes on past it. */
const KEPT_ATTEMPTS = 20;

/** A row of run_actions, its times and JSON as the text SQLite keeps. */
type ActionRow = Omit<CommonActionRow, "attempts" | "result" | "created_at" | "updated_at"> &
  Record<"attempts" | "result" | "created_at" | "updated_at", string>;

/** Compiles a statement once and reuses it (the store's cache). */
export type Prepare = <P extends unknown[] | object = unknown[], R = unknown>(
  sql: string,
) => Database.Statement<P, R>;

/** The run_actions table: the SQLite store's outcome actions, kept apart from runs. */
export class SqliteRunActions {
  constructor(
    private readonly db: Database.Database,
    private readonly prepare: Prepare,
  ) {}

  plan(runId: string, actions: readonly PlannedAction[], now: Date): ActionRecord[] {
    const insert = this.prepare(
      `INSERT OR IGNORE INTO run_actions (run_id, id, position, kind, target, state, created_at,
         updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`,
    );
    const at = now.toISOString();
    this.db.transaction(() => {
      actions.forEach((action, position) =>
        insert.run(runId, action.id, position, action.kind, action.target, at, at),
      );
    })();
    return this.list(runId);
  }

  list(runId: string): ActionRecord[] {
    return this.prepare<[string], ActionRow>(
      "SELECT * FROM run_actions WHERE run_id = ? ORDER BY position ASC, id ASC",
    )
      .all(runId)
      .map(toRecord);
  }

  recordAttempt(runId: string, actionId: string, attempt: ActionAttempt, now: Date): void {
    this.db.transaction(() => {
      const row = this.prepare<[string, string], Pick<ActionRow, "attempts">>(
        "SELECT attempts FROM run_actions WHERE run_id = ? AND id = ?",
      ).get(runId, actionId);
      if (!row) return;
      const attempts = [...(JSON.parse(row.attempts) as ActionAttempt[]), attempt];
      this.prepare(
        `UPDATE run_actions SET attempts = ?, attempt_count = attempt_count + 1, updated_at = ?
           WHERE run_id = ? AND id = ?`,
      ).run(JSON.stringify(attempts.slice(-KEPT_ATTEMPTS)), now.toISOString(), runId, actionId);
    })();
  }

  update(runId: string, actionId: string, update: ActionUpdate, now: Date): void {
    this.db.transaction(() => {
      const row = this.prepare<[string, string], Pick<ActionRow, "result">>(
        "SELECT result FROM run_actions WHERE run_id = ? AND id = ?",
      ).get(runId, actionId);
      if (!row) return;
      const sets = ["updated_at = @now"];
      const params: Record<string, string | null> = { runId, actionId, now: now.toISOString() };
      if (update.state !== undefined) {
        sets.push("state = @state");
        params.state = update.state;
      }
      if (update.error !== undefined) {
        sets.push("error = @error");
        params.error = update.error;
      }
      if (update.result !== undefined) {
        sets.push("result = @result");
        const merged = { ...(JSON.parse(row.result) as object), ...update.result };
        params.result = JSON.stringify(merged);
      }
      this.prepare(
        `UPDATE run_actions SET ${sets.join(", ")} WHERE run_id = @runId AND id = @actionId`,
      ).run(params);
    })();
  }

  unfinished(): ActionRecord[] {
    const marks = UNFINISHED_ACTION_STATES.map(() => "?").join(", ");
    return this.prepare<string[], ActionRow>(
      `SELECT * FROM run_actions WHERE state IN (${marks}) ORDER BY run_id ASC, position ASC`,
    )
      .all(...UNFINISHED_ACTION_STATES)
      .map(toRecord);
  }
}

function toRecord(row: ActionRow): ActionRecord {
  return toActionRecord({
    ...row,
    attempts: JSON.parse(row.attempts) as ActionAttempt[],
    result: JSON.parse(row.result) as Record<string, unknown>,
    created_at: new Date(row.created_at),
    updated_at: new Date(row.updated_at),
  });
}

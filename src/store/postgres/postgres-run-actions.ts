import {
  UNFINISHED_ACTION_STATES,
  type ActionAttempt,
  type ActionRecord,
  type ActionUpdate,
  type PlannedAction,
} from "../run-store.js";
import type { Query } from "./postgres-run-queue.js";
import { toActionRecord, type ActionRow } from "./postgres-rows.js";

/** How many calls an action's history keeps; the count goes on past it. */
const KEPT_ATTEMPTS = 20;

/** The run_actions table: the PostgreSQL store's outcome actions. */
export class PostgresRunActions {
  constructor(private readonly query: Query) {}

  async plan(runId: string, actions: readonly PlannedAction[], now: Date): Promise<ActionRecord[]> {
    await this.query(
      `INSERT INTO run_actions (run_id, id, position, kind, target, state, created_at, updated_at)
         SELECT $1, a.id, a.position - 1, a.kind, a.target, 'pending', $5, $5
           FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY
             AS a (id, kind, target, position)
         ON CONFLICT (run_id, id) DO NOTHING`,
      [
        runId,
        actions.map((a) => a.id),
        actions.map((a) => a.kind),
        actions.map((a) => a.target),
        now,
      ],
    );
    return this.list(runId);
  }

  async list(runId: string): Promise<ActionRecord[]> {
    const rows = await this.query<ActionRow>(
      "SELECT * FROM run_actions WHERE run_id = $1 ORDER BY position ASC, id ASC",
      [runId],
    );
    return rows.map(toActionRecord);
  }

  async recordAttempt(
    runId: string,
    actionId: string,
    attempt: ActionAttempt,
    now: Date,
  ): Promise<void> {
    // The history grows by one and keeps its latest KEPT_ATTEMPTS, in one statement.
    await this.query(
      `UPDATE run_actions SET attempt_count = attempt_count + 1, updated_at = $4,
         attempts = (SELECT coalesce(jsonb_agg(value ORDER BY n), '[]'::jsonb) FROM (
           SELECT value, n FROM jsonb_array_elements(attempts || jsonb_build_array($3::jsonb))
             WITH ORDINALITY AS kept (value, n)
           ORDER BY n DESC LIMIT ${KEPT_ATTEMPTS}) AS latest)
       WHERE run_id = $1 AND id = $2`,
      [runId, actionId, JSON.stringify(attempt), now],
    );
  }

  async update(runId: string, actionId: string, update: ActionUpdate, now: Date): Promise<void> {
    const params: unknown[] = [runId, actionId, now];
    const sets = ["updated_at = $3"];
    if (update.state !== undefined) {
      params.push(update.state);
      sets.push(`state = $${params.length}`);
    }
    if (update.error !== undefined) {
      params.push(update.error);
      sets.push(`error = $${params.length}`);
    }
    if (update.result !== undefined) {
      params.push(JSON.stringify(update.result));
      sets.push(`result = result || $${params.length}::jsonb`);
    }
    await this.query(
      `UPDATE run_actions SET ${sets.join(", ")} WHERE run_id = $1 AND id = $2`,
      params,
    );
  }

  async unfinished(): Promise<ActionRecord[]> {
    const rows = await this.query<ActionRow>(
      `SELECT * FROM run_actions WHERE state = ANY ($1::text[]) ORDER BY run_id ASC, position ASC`,
      [UNFINISHED_ACTION_STATES],
    );
    return rows.map(toActionRecord);
  }
}

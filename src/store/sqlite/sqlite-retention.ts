import type Database from "better-sqlite3";
import type { Pruned, RetentionPolicy } from "../run-store.js";
import type { Prepare } from "./sqlite-run-actions.js";

/** Finished runs the policy lets go (@before, @keep: null when unset), oldest first. */
const PRUNABLE = `SELECT id FROM (
    SELECT r.id, r.finished_at, row_number() OVER (PARTITION BY r.pipeline ORDER BY r.id DESC) AS rank
      FROM runs r
     WHERE r.state IN ('passed', 'failed', 'errored', 'cancelled', 'superseded'))
  WHERE (@before IS NULL OR finished_at < @before) AND (@keep IS NULL OR rank > @keep)
  ORDER BY id ASC`;

/** Events of `ids`' runs that nothing else refers to: no other run, no head. */
const ORPHANS = `SELECT DISTINCT e.id FROM events e JOIN runs r ON r.event_id = e.id
  WHERE r.id IN (SELECT value FROM json_each(@ids))
    AND NOT EXISTS (SELECT 1 FROM heads h WHERE h.event_id = e.id)
    AND NOT EXISTS (SELECT 1 FROM runs o WHERE o.event_id = e.id
                      AND o.id NOT IN (SELECT value FROM json_each(@ids)))`;

/** The SQLite store's retention: what store.retention lets go, deleted a batch at a time. */
export class SqliteRetention {
  constructor(
    private readonly db: Database.Database,
    private readonly prepare: Prepare,
  ) {}

  prune(policy: RetentionPolicy, batch: number): Pruned {
    return this.db.transaction(() => {
      const ids = this.ids(policy, batch);
      if (ids.length === 0) return { runs: 0, events: 0 };
      const list = { ids: JSON.stringify(ids) };
      const events = this.prepare<[typeof list], { id: string }>(ORPHANS).all(list);
      const inIds = "IN (SELECT value FROM json_each(@ids))";
      this.prepare(`DELETE FROM run_logs WHERE run_id ${inIds}`).run(list);
      this.prepare(`DELETE FROM run_actions WHERE run_id ${inIds}`).run(list);
      this.prepare(`DELETE FROM promotions WHERE run_id ${inIds}`).run(list);
      // A retry outlives the run it retried: it forgets the link.
      this.prepare(`UPDATE runs SET retry_of = NULL WHERE retry_of ${inIds}`).run(list);
      this.prepare(`DELETE FROM runs WHERE id ${inIds}`).run(list);
      const eventIds = { ids: JSON.stringify(events.map((e) => e.id)) };
      this.prepare(`DELETE FROM events WHERE id ${inIds}`).run(eventIds);
      return { runs: ids.length, events: events.length };
    })();
  }

  prunable(policy: RetentionPolicy): Pruned {
    const ids = this.ids(policy, -1);
    const events = this.prepare<[{ ids: string }], { id: string }>(ORPHANS).all({
      ids: JSON.stringify(ids),
    });
    return { runs: ids.length, events: events.length };
  }

  private ids(policy: RetentionPolicy, limit: number): string[] {
    return this.prepare<
      [{ before: string | null; keep: number | null; limit: number }],
      { id: string }
    >(`${PRUNABLE} LIMIT @limit`)
      .all({
        before: policy.before?.toISOString() ?? null,
        keep: policy.keepPerPipeline ?? null,
        limit,
      })
      .map((row) => row.id);
  }
}

import type pg from "pg";
import type { Pruned, RetentionPolicy } from "../run-store.js";

/** Finished runs the policy lets go ($1 before, $2 keep: null when unset), oldest first. */
const PRUNABLE = `SELECT id FROM (
    SELECT r.id, r.finished_at, row_number() OVER (PARTITION BY r.pipeline ORDER BY r.id DESC) AS rank
      FROM runs r
     WHERE r.state IN ('passed', 'failed', 'errored', 'cancelled', 'superseded')) AS finished
  WHERE ($1::timestamptz IS NULL OR finished_at < $1) AND ($2::int IS NULL OR rank > $2)
  ORDER BY id ASC`;

/** Events of the runs $1 that nothing else refers to: no other run, no head. */
const ORPHANS = `SELECT DISTINCT e.id FROM events e JOIN runs r ON r.event_id = e.id
  WHERE r.id = ANY ($1::text[])
    AND NOT EXISTS (SELECT 1 FROM heads h WHERE h.event_id = e.id)
    AND NOT EXISTS (SELECT 1 FROM runs o WHERE o.event_id = e.id AND NOT (o.id = ANY ($1::text[])))`;

type Transaction = <T>(work: (client: pg.PoolClient) => Promise<T>) => Promise<T>;

/** The PostgreSQL store's retention, a batch at a time; runs being deleted are skipped by claims. */
export class PostgresRetention {
  constructor(private readonly transaction: Transaction) {}

  prune(policy: RetentionPolicy, batch: number): Promise<Pruned> {
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ id: string }>(`${PRUNABLE} LIMIT $3`, [
        policy.before ?? null,
        policy.keepPerPipeline ?? null,
        batch,
      ]);
      const ids = rows.map((row) => row.id);
      if (ids.length === 0) return { runs: 0, events: 0 };
      const events = (await client.query<{ id: string }>(ORPHANS, [ids])).rows.map((e) => e.id);
      await client.query("DELETE FROM run_logs WHERE run_id = ANY ($1::text[])", [ids]);
      await client.query("DELETE FROM run_actions WHERE run_id = ANY ($1::text[])", [ids]);
      await client.query("DELETE FROM promotions WHERE run_id = ANY ($1::text[])", [ids]);
      // A retry outlives the run it retried: it forgets the link.
      await client.query("UPDATE runs SET retry_of = NULL WHERE retry_of = ANY ($1::text[])", [
        ids,
      ]);
      await client.query("DELETE FROM runs WHERE id = ANY ($1::text[])", [ids]);
      await client.query("DELETE FROM events WHERE id = ANY ($1::text[])", [events]);
      return { runs: ids.length, events: events.length };
    });
  }

  prunable(policy: RetentionPolicy): Promise<Pruned> {
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ id: string }>(PRUNABLE, [
        policy.before ?? null,
        policy.keepPerPipeline ?? null,
      ]);
      const ids = rows.map((row) => row.id);
      const events = await client.query<{ id: string }>(ORPHANS, [ids]);
      return { runs: ids.length, events: events.rows.length };
    });
  }
}

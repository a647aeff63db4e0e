import type { RunOutput } from "../run-store.js";

// Rows as node-postgres reads them (timestamptz as Date, jsonb parsed) are the common rows.
export { toActionRecord, toRunRecord, type ActionRow, type RunRow } from "../run-rows.js";

export const SELECT_RUN = `SELECT r.id, r.pipeline, r.state, r.reason, r.attempt, r.image_digest, r.image_source,
  r.exit_code, r.verdict, r.steps, r.created_at, r.updated_at, r.finished_at, r.retry_of,
  r.lease_owner, r.lease_engine, r.lease_until, r.event_id, e.source, e.registry, e.repository,
  e.tag, e.digest, e.pushed_at, e.pusher, e.callback_url, e.received_at
  FROM runs r JOIN events e ON e.id = r.event_id`;

export interface OutputRow {
  head: RunOutput["head"];
  tail: RunOutput["tail"];
  /** bigint: node-postgres reads it as a string. */
  total_bytes: string;
  dropped_bytes: string;
}

export function toRunOutput(row: OutputRow): RunOutput {
  return {
    head: row.head,
    tail: row.tail,
    totalBytes: Number(row.total_bytes),
    droppedBytes: Number(row.dropped_bytes),
  };
}

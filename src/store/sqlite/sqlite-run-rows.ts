import type { RunRecord, RunSource } from "../run-store.js";
import { toRunRecord, type RunRow as CommonRunRow } from "../run-rows.js";

/** Columns SQLite keeps as text: times (ISO 8601) and JSON. */
type Texts = "steps" | "created_at" | "updated_at" | "pushed_at" | "received_at";
type NullableTexts = "finished_at" | "lease_until" | "image_source";

/** A row of `runs` joined with its event, as SELECT_RUN reads it. */
export type RunRow = Omit<CommonRunRow, Texts | NullableTexts> &
  Record<Texts, string> &
  Record<NullableTexts, string | null>;

export const SELECT_RUN = `SELECT r.*, e.source, e.registry, e.repository, e.tag, e.digest, e.pushed_at,
  e.pusher, e.callback_url, e.received_at FROM runs r JOIN events e ON e.id = r.event_id`;

/** A row as the RunRecord the rest of pushgate reads: its times and JSON read first. */
export function toRecord(row: RunRow): RunRecord {
  const date = (text: string | null) => (text === null ? null : new Date(text));
  return toRunRecord({
    ...row,
    steps: JSON.parse(row.steps) as RunRecord["steps"],
    created_at: new Date(row.created_at),
    updated_at: new Date(row.updated_at),
    finished_at: date(row.finished_at),
    lease_until: date(row.lease_until),
    image_source: row.image_source === null ? null : (JSON.parse(row.image_source) as RunSource),
    pushed_at: new Date(row.pushed_at),
    received_at: new Date(row.received_at),
  });
}

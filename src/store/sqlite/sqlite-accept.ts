import type Database from "better-sqlite3";
import { headKeyOf } from "../../sources/push-event.js";
import { overBacklog, refused, runsWritten, type Delivery } from "../group-commit.js";
import type { AcceptItem, AcceptOutcome } from "../run-store.js";
import type { SqlitePromotions } from "./sqlite-promotions.js";
import type { Prepare } from "./sqlite-run-actions.js";
import { imageKeyOf } from "../image-key-of.js";

/**
 * Records deliveries' events and their queued runs in one transaction, in order: an item is
 * a duplicate when its head (headKeyOf) points at its dedupe key; it is promoted when it
 * announces a promotion made since its head last moved (RunStore.accept); else it is
 * written and moves the head. A delivery with a backlog that its runs would pass is not
 * written at all (`queued`: the runs queued before the transaction).
 */
export function acceptDeliveries(
  db: Database.Database,
  prepare: Prepare,
  promotions: SqlitePromotions,
  newId: (now: number) => string,
  deliveries: readonly Delivery[],
  now: Date,
  queued: () => number,
): AcceptOutcome[][] {
  const findHead = prepare<[string], { dedupe_key: string; event_id: string; received_at: string }>(
    `SELECT h.dedupe_key, h.event_id, e.received_at FROM heads h JOIN events e ON e.id = h.event_id
       WHERE h.head_key = ?`,
  );
  const moveHead = prepare(
    `INSERT INTO heads (head_key, dedupe_key, event_id) VALUES (?, ?, ?)
     ON CONFLICT (head_key) DO UPDATE SET dedupe_key = excluded.dedupe_key,
       event_id = excluded.event_id`,
  );
  const insertEvent = prepare(
    `INSERT INTO events (id, dedupe_key, source, registry, repository, tag, digest, pushed_at,
       pusher, callback_url, received_at)
     VALUES (@id, @dedupeKey, @source, @registry, @repository, @tag, @digest, @pushedAt,
       @pusher, @callbackUrl, @receivedAt)`,
  );
  const insertRun = prepare(
    `INSERT INTO runs (id, event_id, pipeline, state, image, created_at, updated_at)
     VALUES (?, ?, ?, 'queued', ?, ?, ?)`,
  );
  const at = now.toISOString();
  const acceptItem = ({
    event,
    dedupeKey,
    pipelines,
    promotedSince,
  }: AcceptItem): AcceptOutcome => {
    // In order: the second of two equal items in one batch finds the first as its head.
    const headKey = headKeyOf(event);
    const head = findHead.get(headKey);
    if (head?.dedupe_key === dedupeKey) return { kind: "duplicate", eventId: head.event_id };
    const promotedBy = promotions.promotedBy({
      registry: event.registry,
      repository: event.repository,
      tag: event.tag,
      digest: event.digest ?? null,
      after: head ? new Date(head.received_at) : null,
      since: promotedSince ?? null,
    });
    if (promotedBy !== undefined) return { kind: "promoted", runId: promotedBy };
    const eventId = newId(now.getTime());
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
      const runId = newId(now.getTime());
      insertRun.run(runId, eventId, pipeline, imageKeyOf(event), at, at);
      return runId;
    });
    return { kind: "recorded", eventId, runIds };
  };
  return db.transaction(() => {
    // Read before anything is written: the runs this transaction writes are added as it goes.
    const before = deliveries.some((d) => d.options.backlog !== undefined) ? queued() : 0;
    let written = 0;
    return deliveries.map(({ items, options: { backlog } }) => {
      if (backlog !== undefined && overBacklog(before + written, items, backlog)) {
        return refused(items, backlog);
      }
      const outcomes = items.map(acceptItem);
      written += runsWritten(outcomes);
      return outcomes;
    });
  })();
}

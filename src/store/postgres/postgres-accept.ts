import type { PoolClient } from "pg";
import { headKeyOf } from "../../sources/push-event.js";
import { overBacklog, refused, runsWritten, type Delivery } from "../group-commit.js";
import type { AcceptItem, AcceptOutcome } from "../run-store.js";
import { imageKeyOf } from "../image-key-of.js";
import { LOCK_SPACE } from "./migrate-postgres.js";
import { promotedBy } from "./postgres-promotions.js";

/** The advisory lock space of heads: one lock per head key (hashed), for one transaction. */
const HEAD_LOCKS = LOCK_SPACE + 1;

/**
 * Records deliveries' events and their queued runs, in a transaction the caller opened, in
 * order. The heads the items touch are locked first, all at once and in one order, so two
 * replicas given the same delivery at the same moment are decided by the database: the
 * second waits for the first to commit, then finds the head moved and answers "duplicate".
 * An item that announces a promotion made since its head last moved is answered "promoted"
 * and not written (RunStore.accept). A delivery with a backlog that its runs would pass is
 * not written at all; the queued runs are counted once, in the transaction.
 */
export async function acceptDeliveries(
  client: PoolClient,
  newId: (now: number) => string,
  deliveries: readonly Delivery[],
  now: Date,
): Promise<AcceptOutcome[][]> {
  const all = deliveries.flatMap((delivery) => delivery.items);
  const headKeys = [...new Set(all.map((item) => headKeyOf(item.event)))];
  await client.query(
    `SELECT count(pg_advisory_xact_lock($1, hashtext(k)))
       FROM (SELECT k FROM unnest($2::text[]) AS k ORDER BY hashtext(k)) AS keys`,
    [HEAD_LOCKS, headKeys],
  );
  // Read before anything is written: the runs this transaction writes are added as it goes.
  const before = deliveries.some((d) => d.options.backlog !== undefined)
    ? await countQueued(client)
    : 0;
  let written = 0;
  const outcomes: AcceptOutcome[][] = [];
  for (const { items, options } of deliveries) {
    const { backlog } = options;
    if (backlog !== undefined && overBacklog(before + written, items, backlog)) {
      outcomes.push(refused(items, backlog));
      continue;
    }
    const recorded = await acceptItems(client, newId, items, now);
    written += runsWritten(recorded);
    outcomes.push(recorded);
  }
  return outcomes;
}

async function countQueued(client: PoolClient): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    "SELECT count(*) AS n FROM runs WHERE state = 'queued'",
  );
  return Number(rows[0]?.n ?? 0);
}

/** One delivery's items, in order, in the transaction whose head locks are held. */
async function acceptItems(
  client: PoolClient,
  newId: (now: number) => string,
  items: readonly AcceptItem[],
  now: Date,
): Promise<AcceptOutcome[]> {
  const outcomes: AcceptOutcome[] = [];
  for (const { event, dedupeKey, pipelines, promotedSince } of items) {
    // In order: the second of two equal items in one batch finds the first as its head.
    const headKey = headKeyOf(event);
    const { rows } = await client.query<{
      dedupe_key: string;
      event_id: string;
      received_at: Date;
    }>(
      `SELECT h.dedupe_key, h.event_id, e.received_at FROM heads h
         JOIN events e ON e.id = h.event_id WHERE h.head_key = $1`,
      [headKey],
    );
    const head = rows[0];
    if (head?.dedupe_key === dedupeKey) {
      outcomes.push({ kind: "duplicate", eventId: head.event_id });
      continue;
    }
    const promoted = await promotedBy(client, {
      registry: event.registry,
      repository: event.repository,
      tag: event.tag,
      digest: event.digest ?? null,
      after: head?.received_at ?? null,
      since: promotedSince ?? null,
    });
    if (promoted !== undefined) {
      outcomes.push({ kind: "promoted", runId: promoted });
      continue;
    }
    const eventId = newId(now.getTime());
    await client.query(
      `INSERT INTO events (id, dedupe_key, source, registry, repository, tag, digest, pushed_at,
         pusher, callback_url, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        eventId,
        dedupeKey,
        event.source,
        event.registry,
        event.repository,
        event.tag,
        event.digest ?? null,
        event.pushedAt.toISOString(),
        event.pusher ?? null,
        event.callbackUrl ?? null,
        now,
      ],
    );
    await client.query(
      `INSERT INTO heads (head_key, dedupe_key, event_id) VALUES ($1, $2, $3)
       ON CONFLICT (head_key) DO UPDATE SET dedupe_key = excluded.dedupe_key,
         event_id = excluded.event_id`,
      [headKey, dedupeKey, eventId],
    );
    const runIds = pipelines.map(() => newId(now.getTime()));
    await client.query(
      `INSERT INTO runs (id, event_id, pipeline, state, image, created_at, updated_at)
       SELECT id, $2, pipeline, 'queued', $3, $4, $4
         FROM unnest($1::text[], $5::text[]) AS r (id, pipeline)`,
      [runIds, eventId, imageKeyOf(event), now, pipelines],
    );
    outcomes.push({ kind: "recorded", eventId, runIds });
  }
  return outcomes;
}

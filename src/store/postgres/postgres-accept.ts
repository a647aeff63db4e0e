import type { PoolClient } from "pg";
import { headKeyOf } from "../../sources/push-event.js";
import { overBacklog, refused, runsWritten, type Delivery } from "../group-commit.js";
import type { AcceptItem, AcceptOutcome } from "../run-store.js";
import { imageKeyOf } from "../image-key-of.js";
import { LOCK_SPACE } from "./migrate-postgres.js";

/** The advisory lock space of heads: one lock per head key (hashed), for one transaction. */
const HEAD_LOCKS = LOCK_SPACE + 1;

/**
 * Records deliveries' events and their queued runs, in a transaction the caller opened, with
 * the outcomes RunStore.accept defines, in order. A whole commit takes a fixed number of
 * statements, however many deliveries it holds (each statement is a round trip, and a
 * connection runs one at a time):
 *
 * 1. the heads the items touch are locked, all at once and in one order, so two replicas
 *    given the same delivery at the same moment are decided by the database: the second
 *    waits for the first to commit, then finds the head moved and answers "duplicate";
 * 2. one read, after the locks: each item's head, the promotion it may announce (judged
 *    against the head as committed) and, when a delivery has a backlog, the queued runs
 *    (counted up to one past the largest backlog: the count costs a row per queued run);
 * 3. the items are decided here, in order, against the heads as the commit moves them;
 * 4. one write: the recorded items' events, their heads and their runs.
 */
export async function acceptDeliveries(
  client: PoolClient,
  newId: (now: number) => string,
  deliveries: readonly Delivery[],
  now: Date,
): Promise<AcceptOutcome[][]> {
  const all = deliveries.flatMap((delivery) => delivery.items);
  const headKeys = all.map((item) => headKeyOf(item.event));
  await client.query(
    `SELECT count(pg_advisory_xact_lock($1, hashtext(k)))
       FROM (SELECT k FROM unnest($2::text[]) AS k ORDER BY hashtext(k)) AS keys`,
    [HEAD_LOCKS, [...new Set(headKeys)]],
  );
  // Counted up to one past the largest backlog asked: a larger count decides nothing more
  // (every delivery is refused either way), and the count's cost stays bounded.
  const backlogs = deliveries.flatMap((d) => d.options.backlog ?? []);
  const countUpTo = backlogs.length > 0 ? Math.max(...backlogs) + 1 : 0;
  const read = await readItems(client, all, headKeys, now, countUpTo);
  const decide = new Decisions(newId, now, read.heads);
  let written = 0;
  let next = 0;
  const outcomes: AcceptOutcome[][] = [];
  for (const { items, options } of deliveries) {
    const first = next;
    next += items.length;
    const { backlog } = options;
    if (backlog !== undefined && overBacklog(read.queued + written, items, backlog)) {
      outcomes.push(refused(items, backlog));
      continue;
    }
    const recorded = items.map((item, i) =>
      decide.item(item, headKeys[first + i] ?? "", read.rows[first + i]),
    );
    written += runsWritten(recorded);
    outcomes.push(recorded);
  }
  await decide.write(client);
  return outcomes;
}

/** What the read says of one item, in the items' order. */
interface ItemRow {
  /** The run whose promotion the item announces, judged against the committed head. */
  promoted_run: string | null;
  /** Whether that promotion was made after `now`: it still counts once the head moved now. */
  promoted_after_now: boolean | null;
}

interface Head {
  dedupeKey: string;
  eventId: string;
  /** Moved by an item of this commit (so it was received `now`). */
  moved: boolean;
}

/** Step 2's read, in the items' order; the queued runs counted up to `countUpTo` (0: none). */
async function readItems(
  client: PoolClient,
  items: readonly AcceptItem[],
  headKeys: readonly string[],
  now: Date,
  countUpTo: number,
): Promise<{ rows: ItemRow[]; heads: Map<string, Head>; queued: number }> {
  const { rows } = await client.query<
    ItemRow & {
      head_dedupe_key: string | null;
      head_event_id: string | null;
      queued: string | null;
    }
  >(
    `SELECT h.dedupe_key AS head_dedupe_key, h.event_id AS head_event_id,
            p.run_id AS promoted_run, p.promoted_at > $7::timestamptz AS promoted_after_now,
            (SELECT count(*) FROM (SELECT FROM runs WHERE state = 'queued' LIMIT $8) AS q) AS queued
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
              WITH ORDINALITY AS i (head_key, registry, repository, tag, digest, since, n)
       LEFT JOIN heads h ON h.head_key = i.head_key
       LEFT JOIN events e ON e.id = h.event_id
       LEFT JOIN LATERAL (
         SELECT run_id, promoted_at FROM promotions
          WHERE registry = i.registry AND repository = i.repository AND tag = i.tag
            AND (e.received_at IS NULL OR promoted_at > e.received_at)
            AND ((i.digest IS NOT NULL AND (digest = i.digest OR pushed_digest = i.digest))
              OR (i.since IS NOT NULL AND promoted_at >= i.since
                AND (i.digest IS NULL OR pushed_digest IS NULL)))
          ORDER BY promoted_at DESC LIMIT 1) p ON true
      ORDER BY i.n`,
    [
      headKeys,
      items.map((item) => item.event.registry),
      items.map((item) => item.event.repository),
      items.map((item) => item.event.tag),
      items.map((item) => item.event.digest ?? null),
      items.map((item) => item.promotedSince?.toISOString() ?? null),
      now,
      countUpTo,
    ],
  );
  const heads = new Map<string, Head>();
  rows.forEach((row, i) => {
    const key = headKeys[i];
    if (key !== undefined && row.head_dedupe_key !== null && row.head_event_id !== null) {
      heads.set(key, { dedupeKey: row.head_dedupe_key, eventId: row.head_event_id, moved: false });
    }
  });
  return { rows, heads, queued: Number(rows[0]?.queued ?? 0) };
}

/** The items' outcomes, decided in order, and the rows the recorded ones need written. */
class Decisions {
  private readonly events: { id: string; item: AcceptItem }[] = [];
  private readonly runs: { id: string; eventId: string; pipeline: string; image: string }[] = [];

  constructor(
    private readonly newId: (now: number) => string,
    private readonly now: Date,
    private readonly heads: Map<string, Head>,
  ) {}

  item(item: AcceptItem, headKey: string, row: ItemRow | undefined): AcceptOutcome {
    // In order: the second of two equal items in one commit finds the first as its head.
    const head = this.heads.get(headKey);
    if (head?.dedupeKey === item.dedupeKey) return { kind: "duplicate", eventId: head.eventId };
    // A head this commit moved was received now: only a promotion made later counts.
    const promoted = row?.promoted_run ?? null;
    if (promoted !== null && (head?.moved !== true || row?.promoted_after_now === true)) {
      return { kind: "promoted", runId: promoted };
    }
    const eventId = this.newId(this.now.getTime());
    const runIds = item.pipelines.map(() => this.newId(this.now.getTime()));
    const image = imageKeyOf(item.event);
    this.events.push({ id: eventId, item });
    item.pipelines.forEach((pipeline, i) => {
      this.runs.push({ id: runIds[i] ?? "", eventId, pipeline, image });
    });
    this.heads.set(headKey, { dedupeKey: item.dedupeKey, eventId, moved: true });
    return { kind: "recorded", eventId, runIds };
  }

  /** The recorded items' events, the heads they moved (each to its last) and their runs. */
  async write(client: PoolClient): Promise<void> {
    if (this.events.length === 0) return;
    const moved = [...this.heads].filter(([, head]) => head.moved);
    const events = this.events;
    const column = <T>(pick: (item: AcceptItem) => T) => events.map(({ item }) => pick(item));
    await client.query(
      `WITH written_events AS (
         INSERT INTO events (id, dedupe_key, source, registry, repository, tag, digest, pushed_at,
           pusher, callback_url, received_at)
         SELECT id, dedupe_key, source, registry, repository, tag, digest, pushed_at, pusher,
                callback_url, $11::timestamptz
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                  $7::text[], $8::timestamptz[], $9::text[], $10::text[])
             AS e (id, dedupe_key, source, registry, repository, tag, digest, pushed_at, pusher,
                   callback_url)
       ), moved_heads AS (
         INSERT INTO heads (head_key, dedupe_key, event_id)
         SELECT * FROM unnest($12::text[], $13::text[], $14::text[])
         ON CONFLICT (head_key) DO UPDATE SET dedupe_key = excluded.dedupe_key,
           event_id = excluded.event_id
       )
       INSERT INTO runs (id, event_id, pipeline, state, image, created_at, updated_at)
       SELECT id, event_id, pipeline, 'queued', image, $11::timestamptz, $11::timestamptz
         FROM unnest($15::text[], $16::text[], $17::text[], $18::text[])
           AS r (id, event_id, pipeline, image)`,
      [
        events.map(({ id }) => id),
        column((item) => item.dedupeKey),
        column((item) => item.event.source),
        column((item) => item.event.registry),
        column((item) => item.event.repository),
        column((item) => item.event.tag),
        column((item) => item.event.digest ?? null),
        column((item) => item.event.pushedAt.toISOString()),
        column((item) => item.event.pusher ?? null),
        column((item) => item.event.callbackUrl ?? null),
        this.now,
        moved.map(([key]) => key),
        moved.map(([, head]) => head.dedupeKey),
        moved.map(([, head]) => head.eventId),
        this.runs.map((run) => run.id),
        this.runs.map((run) => run.eventId),
        this.runs.map((run) => run.pipeline),
        this.runs.map((run) => run.image),
      ],
    );
  }
}

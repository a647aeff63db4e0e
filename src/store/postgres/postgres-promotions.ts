import type { PoolClient } from "pg";
import { toPromotion, type PromotionProbe, type PromotionRow } from "../promotion-row.js";
import type { Promotion } from "../run-store.js";
import type { Query } from "./postgres-run-queue.js";

/** The promotions table of the PostgreSQL store (RunStore's promotion methods). */
export class PostgresPromotions {
  constructor(private readonly query: Query) {}

  async save(promotion: Omit<Promotion, "promotedAt">, now: Date): Promise<void> {
    await this.query(
      `INSERT INTO promotions (run_id, registry, repository, tag, digest, pushed_digest,
         promoted_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
       ON CONFLICT (run_id, registry, repository, tag) DO UPDATE SET digest = excluded.digest,
         pushed_digest = coalesce(excluded.pushed_digest, promotions.pushed_digest),
         promoted_at = excluded.promoted_at`,
      [
        promotion.runId,
        promotion.registry,
        promotion.repository,
        promotion.tag,
        promotion.digest,
        promotion.pushedDigest ?? null,
        now,
      ],
    );
  }

  async forget(promotion: Pick<Promotion, "runId" | "registry" | "repository" | "tag">) {
    await this.query(
      `DELETE FROM promotions
         WHERE run_id = $1 AND registry = $2 AND repository = $3 AND tag = $4`,
      [promotion.runId, promotion.registry, promotion.repository, promotion.tag],
    );
  }

  async list(runId: string): Promise<Promotion[]> {
    const rows = await this.query<PromotionRow>(
      `SELECT run_id, registry, repository, tag, digest, pushed_digest, promoted_at
         FROM promotions WHERE run_id = $1 ORDER BY seq ASC`,
      [runId],
    );
    return rows.map(toPromotion);
  }
}

/**
 * The run whose promotion a delivery's item announces, if any (RunStore.accept's rule), read
 * in the accept transaction. A promotion is written before its push starts, so a registry's
 * notification of the push, on whichever replica it arrives, finds it committed.
 */
export async function promotedBy(
  client: PoolClient,
  probe: PromotionProbe,
): Promise<string | undefined> {
  const { rows } = await client.query<{ run_id: string }>(
    `SELECT run_id FROM promotions
       WHERE registry = $1 AND repository = $2 AND tag = $3
         AND ($5::timestamptz IS NULL OR promoted_at > $5)
         AND (($4::text IS NOT NULL AND (digest = $4 OR pushed_digest = $4))
           OR ($6::timestamptz IS NOT NULL AND promoted_at >= $6
             AND ($4::text IS NULL OR pushed_digest IS NULL)))
       ORDER BY promoted_at DESC LIMIT 1`,
    [probe.registry, probe.repository, probe.tag, probe.digest, probe.after, probe.since],
  );
  return rows[0]?.run_id;
}

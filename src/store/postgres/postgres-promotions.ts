import { toPromotion, type PromotionRow } from "../promotion-row.js";
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

import { toPromotion, type PromotionProbe, type PromotionRow } from "../promotion-row.js";
import type { Promotion } from "../run-store.js";
import type { Prepare } from "./sqlite-run-actions.js";

/** The promotions table of the SQLite store. */
export class SqlitePromotions {
  constructor(private readonly prepare: Prepare) {}

  save(promotion: Omit<Promotion, "promotedAt">, now: Date): void {
    const at = now.toISOString();
    this.prepare(
      `INSERT INTO promotions (run_id, registry, repository, tag, digest, pushed_digest,
         promoted_at, created_at)
       VALUES (@runId, @registry, @repository, @tag, @digest, @pushedDigest, @at, @at)
       ON CONFLICT (run_id, registry, repository, tag) DO UPDATE SET digest = excluded.digest,
         pushed_digest = coalesce(excluded.pushed_digest, promotions.pushed_digest),
         promoted_at = excluded.promoted_at`,
    ).run({
      runId: promotion.runId,
      registry: promotion.registry,
      repository: promotion.repository,
      tag: promotion.tag,
      digest: promotion.digest,
      pushedDigest: promotion.pushedDigest ?? null,
      at,
    });
  }

  forget(promotion: Pick<Promotion, "runId" | "registry" | "repository" | "tag">): void {
    this.prepare(
      `DELETE FROM promotions
         WHERE run_id = @runId AND registry = @registry AND repository = @repository AND tag = @tag`,
    ).run(promotion);
  }

  list(runId: string): Promotion[] {
    return this.prepare<[string], Omit<PromotionRow, "promoted_at"> & { promoted_at: string }>(
      `SELECT run_id, registry, repository, tag, digest, pushed_digest, promoted_at
         FROM promotions WHERE run_id = ? ORDER BY created_at ASC, rowid ASC`,
    )
      .all(runId)
      .map((row) => toPromotion({ ...row, promoted_at: new Date(row.promoted_at) }));
  }

  /** The run whose promotion the item announces, if any (RunStore.accept's rule). */
  promotedBy(probe: PromotionProbe): string | undefined {
    const times = {
      ...probe,
      after: probe.after?.toISOString() ?? "",
      since: probe.since?.toISOString() ?? null,
    };
    return this.prepare<[typeof times], { run_id: string }>(
      `SELECT run_id FROM promotions
         WHERE registry = @registry AND repository = @repository AND tag = @tag
           AND promoted_at > @after
           AND ((@digest IS NOT NULL AND (digest = @digest OR pushed_digest = @digest))
             OR (@since IS NOT NULL AND promoted_at >= @since
               AND (@digest IS NULL OR pushed_digest IS NULL)))
         ORDER BY promoted_at DESC LIMIT 1`,
    ).get(times)?.run_id;
  }
}

import type { Promotion } from "./run-store.js";

/** A row of `promotions` with its time read: what both engines' rows become. */
export interface PromotionRow {
  run_id: string;
  registry: string;
  repository: string;
  tag: string;
  digest: string;
  pushed_digest: string | null;
  promoted_at: Date;
}

/** A row as the Promotion the rest of pushgate reads. */
export function toPromotion(row: PromotionRow): Promotion {
  return {
    runId: row.run_id,
    registry: row.registry,
    repository: row.repository,
    tag: row.tag,
    digest: row.digest,
    ...(row.pushed_digest !== null ? { pushedDigest: row.pushed_digest } : {}),
    promotedAt: row.promoted_at,
  };
}

/** What a delivery's item is compared with to tell whether it announces a promotion. */
export interface PromotionProbe {
  registry: string;
  repository: string;
  tag: string;
  digest: string | null;
  /** When the last event under the item's head key was received (null when none was). */
  after: Date | null;
  /** The item's promotedSince, or null. */
  since: Date | null;
}

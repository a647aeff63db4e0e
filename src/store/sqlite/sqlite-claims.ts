import type Database from "better-sqlite3";
import type { HeldRun, Lease, RunRecord, StopRequest } from "../run-store.js";
import { FRESH_COLUMNS, stopRequestOf, stopRequestText } from "../stop-request.js";
import type { Prepare } from "./sqlite-run-actions.js";
import { SELECT_RUN, toRecord, type RunRow } from "./sqlite-run-rows.js";

/** Whose runs are left: a lease that ran out, or an owner named by the `gone` prefix. */
const ABANDONED = `(r.lease_until IS NULL OR r.lease_until < @now
  OR (@gone IS NOT NULL AND substr(r.lease_owner, 1, length(@gone)) = @gone))`;

/**
 * The SQLite store's claims. One process owns the file, so a claim needs no lock beyond
 * SQLite's own transaction; the leases are kept all the same, so both stores keep one
 * contract.
 */
export class SqliteClaims {
  constructor(
    private readonly db: Database.Database,
    private readonly prepare: Prepare,
  ) {}

  claim(
    pipeline: string,
    limit: number,
    pipelineLimit: number | undefined,
    lease: Lease,
    now: Date,
  ): RunRecord[] {
    return this.db.transaction(() => {
      let take = limit;
      if (pipelineLimit !== undefined) {
        const executing =
          this.prepare<[string], { n: number }>(
            "SELECT count(*) AS n FROM runs WHERE pipeline = ? AND state IN ('pulling', 'testing')",
          ).get(pipeline)?.n ?? 0;
        take = Math.min(take, pipelineLimit - executing);
      }
      if (take <= 0) return [];
      const ids = this.prepare<[string, number], { id: string }>(
        "SELECT id FROM runs WHERE state = 'queued' AND pipeline = ? ORDER BY id ASC LIMIT ?",
      )
        .all(pipeline, take)
        .map((row) => row.id);
      const at = now.toISOString();
      const claim = this.prepare(
        `UPDATE runs SET state = 'pulling', attempt = attempt + 1,
           ${FRESH_COLUMNS.map((c) => `${c} = NULL`).join(", ")}, stop_request = NULL,
           steps = @steps, updated_at = @at, lease_owner = @owner, lease_engine = @engine,
           lease_until = @until
         WHERE id = @id AND state = 'queued'`,
      );
      const forget = this.prepare("DELETE FROM run_logs WHERE run_id = ?");
      for (const id of ids) {
        claim.run({
          id,
          steps: JSON.stringify({ pull: { startedAt: at } }),
          at,
          owner: lease.owner,
          engine: lease.engine,
          until: new Date(now.getTime() + lease.ms).toISOString(),
        });
        forget.run(id);
      }
      return this.read(ids);
    })();
  }

  abandoned(now: Date, gone?: string): RunRecord[] {
    return this.prepare<[{ now: string; gone: string | null }], RunRow>(
      `${SELECT_RUN} WHERE r.state IN ('pulling', 'testing') AND ${ABANDONED} ORDER BY r.id ASC`,
    )
      .all({ now: now.toISOString(), gone: gone ?? null })
      .map(toRecord);
  }

  claimActing(lease: Lease, now: Date, gone?: string): RunRecord[] {
    return this.db.transaction(() => {
      const ids = this.prepare<[{ now: string; gone: string | null }], { id: string }>(
        `SELECT r.id FROM runs r WHERE r.state = 'acting' AND ${ABANDONED} ORDER BY r.id ASC`,
      )
        .all({ now: now.toISOString(), gone: gone ?? null })
        .map((row) => row.id);
      const hold = this.prepare(
        "UPDATE runs SET lease_owner = ?, lease_engine = ?, lease_until = ? WHERE id = ?",
      );
      const until = new Date(now.getTime() + lease.ms).toISOString();
      for (const id of ids) hold.run(lease.owner, lease.engine, until, id);
      return this.read(ids);
    })();
  }

  renew(lease: Lease, runIds: readonly string[], now: Date): HeldRun[] {
    if (runIds.length === 0) return [];
    const until = new Date(now.getTime() + lease.ms).toISOString();
    const renew = this.prepare<
      [string, string, string],
      { id: string; stop_request: string | null }
    >(
      `UPDATE runs SET lease_until = ? WHERE id = ? AND lease_owner = ?
         AND state IN ('pulling', 'testing', 'acting') RETURNING id, stop_request`,
    );
    return this.db.transaction(() =>
      runIds.flatMap((id) => {
        const row = renew.get(until, id, lease.owner);
        if (!row) return [];
        const stop = stopRequestOf(row.stop_request);
        return [stop ? { id, stop } : { id }];
      }),
    )();
  }

  requestStop(runId: string, stop: StopRequest): boolean {
    return (
      this.prepare(
        "UPDATE runs SET stop_request = ? WHERE id = ? AND state IN ('pulling', 'testing')",
      ).run(stopRequestText(stop), runId).changes === 1
    );
  }

  private read(ids: readonly string[]): RunRecord[] {
    const get = this.prepare<[string], RunRow>(`${SELECT_RUN} WHERE r.id = ?`);
    return ids.flatMap((id) => {
      const row = get.get(id);
      return row ? [toRecord(row)] : [];
    });
  }
}

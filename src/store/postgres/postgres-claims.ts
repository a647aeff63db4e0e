import type pg from "pg";
import type { HeldRun, Lease, RunRecord, StopRequest } from "../run-store.js";
import { FRESH_COLUMNS, stopRequestOf, stopRequestText } from "../stop-request.js";
import { LOCK_SPACE } from "./migrate-postgres.js";
import type { Query } from "./postgres-run-queue.js";
import { SELECT_RUN, toRunRecord, type RunRow } from "./postgres-rows.js";

/** The advisory lock space of pipelines: a claim under a pipeline's limit holds its lock. */
const PIPELINE_LOCKS = LOCK_SPACE + 2;

/** Whose runs are left: a lease that ran out, or an owner named by the `gone` prefix ($2). */
const ABANDONED = `(r.lease_until IS NULL OR r.lease_until < $1
  OR ($2::text IS NOT NULL AND starts_with(r.lease_owner, $2::text)))`;

type Transaction = <T>(work: (client: pg.PoolClient) => Promise<T>) => Promise<T>;

/**
 * Claims across replicas. Queued runs are taken with FOR UPDATE SKIP LOCKED, so replicas
 * claiming at once never wait for nor take the same run; a claim under a pipeline's limit
 * first takes the pipeline's advisory lock, so the count of its runs being pulled or tested
 * and the claim are one step for the whole fleet.
 */
export class PostgresClaims {
  constructor(
    private readonly query: Query,
    private readonly transaction: Transaction,
  ) {}

  claim(
    pipeline: string,
    limit: number,
    pipelineLimit: number | undefined,
    lease: Lease,
    now: Date,
  ): Promise<RunRecord[]> {
    return this.transaction(async (client) => {
      let take = limit;
      if (pipelineLimit !== undefined) {
        await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [
          PIPELINE_LOCKS,
          pipeline,
        ]);
        const { rows } = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM runs
            WHERE pipeline = $1 AND state IN ('pulling', 'testing')`,
          [pipeline],
        );
        take = Math.min(take, pipelineLimit - (rows[0]?.n ?? 0));
      }
      if (take <= 0) return [];
      const claimed = await client.query<{ id: string }>(
        `UPDATE runs SET state = 'pulling', attempt = attempt + 1,
           ${FRESH_COLUMNS.map((c) => `${c} = NULL`).join(", ")}, stop_request = NULL,
           steps = $3, updated_at = $4, lease_owner = $5, lease_engine = $6, lease_until = $7
         WHERE id IN (SELECT id FROM runs WHERE state = 'queued' AND pipeline = $1
                        ORDER BY id ASC LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING id`,
        [
          pipeline,
          take,
          JSON.stringify({ pull: { startedAt: now.toISOString() } }),
          now,
          lease.owner,
          lease.engine,
          new Date(now.getTime() + lease.ms),
        ],
      );
      const ids = claimed.rows.map((row) => row.id);
      if (ids.length === 0) return [];
      await client.query("DELETE FROM run_logs WHERE run_id = ANY ($1::text[])", [ids]);
      const { rows } = await client.query<RunRow>(
        `${SELECT_RUN} WHERE r.id = ANY ($1::text[]) ORDER BY r.id ASC`,
        [ids],
      );
      return rows.map(toRunRecord);
    });
  }

  async abandoned(now: Date, gone?: string): Promise<RunRecord[]> {
    const rows = await this.query<RunRow>(
      `${SELECT_RUN} WHERE r.state IN ('pulling', 'testing') AND ${ABANDONED} ORDER BY r.id ASC`,
      [now, gone ?? null],
    );
    return rows.map(toRunRecord);
  }

  async claimActing(lease: Lease, now: Date, gone?: string): Promise<RunRecord[]> {
    const held = await this.query<{ id: string }>(
      `UPDATE runs SET lease_owner = $3, lease_engine = $4, lease_until = $5
        WHERE id IN (SELECT r.id FROM runs r WHERE r.state = 'acting' AND ${ABANDONED}
                       ORDER BY r.id ASC FOR UPDATE SKIP LOCKED)
        RETURNING id`,
      [now, gone ?? null, lease.owner, lease.engine, new Date(now.getTime() + lease.ms)],
    );
    if (held.length === 0) return [];
    const rows = await this.query<RunRow>(
      `${SELECT_RUN} WHERE r.id = ANY ($1::text[]) ORDER BY r.id ASC`,
      [held.map((row) => row.id)],
    );
    return rows.map(toRunRecord);
  }

  async renew(lease: Lease, runIds: readonly string[], now: Date): Promise<HeldRun[]> {
    if (runIds.length === 0) return [];
    const rows = await this.query<{ id: string; stop_request: string | null }>(
      `UPDATE runs SET lease_until = $3
        WHERE id = ANY ($1::text[]) AND lease_owner = $2
          AND state IN ('pulling', 'testing', 'acting')
        RETURNING id, stop_request`,
      [runIds, lease.owner, new Date(now.getTime() + lease.ms)],
    );
    return rows.map((row) => {
      const stop = stopRequestOf(row.stop_request);
      return stop ? { id: row.id, stop } : { id: row.id };
    });
  }

  async requestStop(runId: string, stop: StopRequest): Promise<boolean> {
    const rows = await this.query<{ id: string }>(
      `UPDATE runs SET stop_request = $2 WHERE id = $1 AND state IN ('pulling', 'testing')
        RETURNING id`,
      [runId, stopRequestText(stop)],
    );
    return rows.length === 1;
  }
}

import type pg from "pg";
import type { RunState } from "../../pipeline/run-states.js";
import type { RunFilter, RunRecord } from "../run-store.js";
import { SELECT_RUN, toRunRecord, type RunRow } from "./postgres-rows.js";

/** One statement on the pool; its rows (StoreUnavailableError when it fails). */
export type Query = <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<R[]>;

/**
 * The PostgreSQL store's reads of runs, and its queue: what the scheduler picks, counts and
 * supersedes, each through an index range (runs_queue, runs_by_image).
 */
export class PostgresRunQueue {
  constructor(
    private readonly query: Query,
    private readonly newId: (now: number) => string,
  ) {}

  /** Newest first, filtered, from before a cursor. */
  async list(filter: RunFilter): Promise<RunRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const conditions = [
      ["e.repository", filter.repository],
      ["r.state", filter.state],
      ["r.pipeline", filter.pipeline],
    ] as const;
    for (const [column, value] of conditions) {
      if (value === undefined) continue;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    }
    if (filter.before !== undefined) {
      params.push(filter.before);
      where.push(`r.id < $${params.length}`);
    }
    params.push(filter.limit);
    const sql = `${SELECT_RUN} ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY r.id DESC LIMIT $${params.length}`;
    return (await this.query<RunRow>(sql, params)).map(toRunRecord);
  }

  /** Oldest first. */
  async inStates(states: readonly RunState[]): Promise<RunRecord[]> {
    if (states.length === 0) return [];
    const rows = await this.query<RunRow>(
      `${SELECT_RUN} WHERE r.state = ANY ($1::text[]) ORDER BY r.id ASC`,
      [states],
    );
    return rows.map(toRunRecord);
  }

  async next(pipeline: string, limit: number): Promise<RunRecord[]> {
    const rows = await this.query<RunRow>(
      `${SELECT_RUN} WHERE r.state = 'queued' AND r.pipeline = $1 ORDER BY r.id ASC LIMIT $2`,
      [pipeline, limit],
    );
    return rows.map(toRunRecord);
  }

  async pipelines(): Promise<string[]> {
    const rows = await this.query<{ pipeline: string }>(
      "SELECT DISTINCT pipeline FROM runs WHERE state = 'queued' ORDER BY pipeline",
    );
    return rows.map((row) => row.pipeline);
  }

  async count(state: RunState): Promise<number> {
    const [row] = await this.query<{ n: string }>(
      "SELECT count(*) AS n FROM runs WHERE state = $1",
      [state],
    );
    return Number(row?.n ?? 0);
  }

  async olderOfImage(runId: string, states: readonly RunState[]): Promise<RunRecord[]> {
    if (states.length === 0) return [];
    const rows = await this.query<RunRow>(
      `${SELECT_RUN} JOIN runs newer ON newer.id = $1
        WHERE r.image = newer.image AND r.pipeline = newer.pipeline AND r.id < newer.id
          AND r.state = ANY ($2::text[]) ORDER BY r.id ASC`,
      [runId, states],
    );
    return rows.map(toRunRecord);
  }

  async retry(runId: string, now: Date): Promise<string | undefined> {
    const id = this.newId(now.getTime());
    const rows = await this.query<{ id: string }>(
      `INSERT INTO runs (id, event_id, pipeline, state, image, retry_of, created_at, updated_at)
         SELECT $1, event_id, pipeline, 'queued', image, id, $2, $2 FROM runs WHERE id = $3
         RETURNING id`,
      [id, now, runId],
    );
    return rows[0]?.id;
  }
}

import type { RunState } from "../../pipeline/run-states.js";
import type { RunFilter, RunRecord } from "../run-store.js";
import type { Prepare } from "./sqlite-run-actions.js";
import { SELECT_RUN, toRecord, type RunRow } from "./sqlite-run-rows.js";

/** The queue's statements (exported so a test can check their query plans). */
export const QUEUE_SQL = {
  next: `${SELECT_RUN} WHERE r.state = 'queued' AND r.pipeline = ? ORDER BY r.id ASC LIMIT ?`,
  pipelines: "SELECT DISTINCT pipeline FROM runs WHERE state = 'queued' ORDER BY pipeline",
  count: "SELECT count(*) AS n FROM runs WHERE state = ?",
  olderOfImage: (states: number) => `${SELECT_RUN} JOIN runs newer ON newer.id = ?
    WHERE r.image = newer.image AND r.pipeline = newer.pipeline AND r.id < newer.id
      AND r.state IN (${Array.from({ length: states }, () => "?").join(", ")}) ORDER BY r.id ASC`,
};

/**
 * The SQLite store's reads of runs, and its queue: what the scheduler picks, counts and
 * supersedes. Every queue query
 * reads an index range (runs_queue, runs_by_image), so a long backlog does not make a pick
 * or a push slower.
 */
export class SqliteRunQueue {
  constructor(
    private readonly prepare: Prepare,
    private readonly newId: (now: number) => string,
  ) {}

  /** Newest first, filtered, from before a cursor. */
  list(filter: RunFilter): RunRecord[] {
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: filter.limit };
    const conditions = [
      ["e.repository = @repository", "repository", filter.repository],
      ["r.state = @state", "state", filter.state],
      ["r.pipeline = @pipeline", "pipeline", filter.pipeline],
      ["r.id < @before", "before", filter.before],
    ] as const;
    for (const [condition, name, value] of conditions) {
      if (value === undefined) continue;
      where.push(condition);
      params[name] = value;
    }
    if (filter.retryOf !== undefined) {
      where.push("r.retry_of = @retryOf");
      params.retryOf = filter.retryOf;
    }
    if (filter.states !== undefined) {
      const marks = filter.states.map((state, i) => {
        params[`state${i}`] = state;
        return `@state${i}`;
      });
      where.push(marks.length > 0 ? `r.state IN (${marks.join(", ")})` : "0");
    }
    const sql = `${SELECT_RUN} ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY r.id DESC LIMIT @limit`;
    return this.prepare<[typeof params], RunRow>(sql).all(params).map(toRecord);
  }

  /** Oldest first. */
  inStates(states: readonly RunState[]): RunRecord[] {
    if (states.length === 0) return [];
    const marks = states.map(() => "?").join(", ");
    return this.prepare<string[], RunRow>(
      `${SELECT_RUN} WHERE r.state IN (${marks}) ORDER BY r.id ASC`,
    )
      .all(...states)
      .map(toRecord);
  }

  next(pipeline: string, limit: number): RunRecord[] {
    return this.prepare<[string, number], RunRow>(QUEUE_SQL.next)
      .all(pipeline, limit)
      .map(toRecord);
  }

  pipelines(): string[] {
    return this.prepare<[], { pipeline: string }>(QUEUE_SQL.pipelines)
      .all()
      .map((row) => row.pipeline);
  }

  count(state: RunState): number {
    return this.prepare<[RunState], { n: number }>(QUEUE_SQL.count).get(state)?.n ?? 0;
  }

  olderOfImage(runId: string, states: readonly RunState[]): RunRecord[] {
    if (states.length === 0) return [];
    return this.prepare<string[], RunRow>(QUEUE_SQL.olderOfImage(states.length))
      .all(runId, ...states)
      .map(toRecord);
  }

  retry(runId: string, now: Date): string | undefined {
    const id = this.newId(now.getTime());
    const at = now.toISOString();
    const inserted = this.prepare(
      `INSERT INTO runs (id, event_id, pipeline, state, image, retry_of, created_at, updated_at)
         SELECT ?, event_id, pipeline, 'queued', image, id, ?, ? FROM runs WHERE id = ?`,
    ).run(id, at, at, runId);
    return inserted.changes === 1 ? id : undefined;
  }
}

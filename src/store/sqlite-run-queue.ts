import type { RunState } from "../pipeline/run-states.js";
import type { RunRecord } from "./run-store.js";
import type { Prepare } from "./sqlite-run-actions.js";
import { SELECT_RUN, toRecord, type RunRow } from "./sqlite-run-rows.js";

/**
 * The SQLite store's queue: what the scheduler picks, counts and supersedes. Every query
 * reads an index range (runs_queue, runs_by_image), so a long backlog does not make a pick
 * or a push slower.
 */
export class SqliteRunQueue {
  constructor(
    private readonly prepare: Prepare,
    private readonly newId: (now: number) => string,
  ) {}

  next(pipeline: string, limit: number): RunRecord[] {
    return this.prepare<[string, number], RunRow>(
      `${SELECT_RUN} WHERE r.state = 'queued' AND r.pipeline = ? ORDER BY r.id ASC LIMIT ?`,
    )
      .all(pipeline, limit)
      .map(toRecord);
  }

  pipelines(): string[] {
    return this.prepare<[], { pipeline: string }>(
      "SELECT DISTINCT pipeline FROM runs WHERE state = 'queued' ORDER BY pipeline",
    )
      .all()
      .map((row) => row.pipeline);
  }

  count(state: RunState): number {
    return (
      this.prepare<[RunState], { n: number }>("SELECT count(*) AS n FROM runs WHERE state = ?").get(
        state,
      )?.n ?? 0
    );
  }

  olderOfImage(runId: string, states: readonly RunState[]): RunRecord[] {
    if (states.length === 0) return [];
    const marks = states.map(() => "?").join(", ");
    return this.prepare<string[], RunRow>(
      `${SELECT_RUN} JOIN runs newer ON newer.id = ?
         WHERE r.image = newer.image AND r.pipeline = newer.pipeline AND r.id < newer.id
           AND r.state IN (${marks}) ORDER BY r.id ASC`,
    )
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

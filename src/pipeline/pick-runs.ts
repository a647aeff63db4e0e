import type { RunRecord, RunStore } from "../store/run-store.js";

/**
 * The next queued runs to start, oldest first across pipelines: at most `free` in all and
 * at most `room(pipeline)` of each. One indexed query per pipeline with room, each reading
 * no more rows than it may start, so the length of the queue does not matter.
 */
export async function pickRuns(
  store: Pick<RunStore, "nextQueued">,
  pipelines: Iterable<string>,
  free: number,
  room: (pipeline: string) => number,
): Promise<RunRecord[]> {
  if (free <= 0) return [];
  const candidates: RunRecord[] = [];
  for (const pipeline of pipelines) {
    const take = Math.min(free, room(pipeline));
    if (take > 0) candidates.push(...(await store.nextQueued(pipeline, take)));
  }
  return candidates.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, free);
}

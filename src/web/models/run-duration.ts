import { isFinal } from "../../pipeline/run-states.js";
import type { RunRecord } from "../../store/run-store.js";
import { describeDuration } from "./describe-duration.js";

/**
 * How long a run has taken, in words: from the start of its pull to its end (or to now while
 * it goes on), as Jenkins counts a build without its time in the queue; a queued run counts
 * how long it has waited. Null for a run that ended before it started (cancelled in the queue).
 */
export function runDuration(run: RunRecord, now: Date): string | null {
  const started = run.steps.pull?.startedAt;
  if (!started) {
    if (isFinal(run.state)) return null;
    return `waiting ${describeDuration(now.getTime() - run.createdAt.getTime())}`;
  }
  const end = run.finishedAt ?? now;
  return describeDuration(end.getTime() - new Date(started).getTime());
}

import type { LiveOutput } from "../pipeline/live-output.js";
import type { RunObserver } from "../pipeline/move-run.js";
import { isFinal } from "../pipeline/run-states.js";
import type { RunStore } from "../store/run-store.js";
import type { Metrics } from "./metrics.js";

/**
 * What every state change of a run feeds: the metrics (runs by result, step durations and,
 * once the run is over, how each of its actions ended) and whoever follows the run's log.
 */
export function observeRuns(deps: {
  metrics: Metrics;
  live: LiveOutput;
  store: Pick<RunStore, "listActions">;
}): RunObserver {
  const { metrics, live, store } = deps;
  return async (moved) => {
    metrics.runMoved(moved);
    live.moved(moved.runId, moved.to);
    if (isFinal(moved.to)) {
      for (const action of await store.listActions(moved.runId)) {
        metrics.actionEnded(action.kind, action.state);
      }
    }
  };
}

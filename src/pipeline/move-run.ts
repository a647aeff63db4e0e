import type { Logger } from "../observability/logger.js";
import type { RunStore, RunUpdate } from "../store/run-store.js";
import type { RunState } from "./run-states.js";

/** Moves a run to a new state in the store and logs the change once; false when it moved on. */
export type MoveRun = (
  from: readonly RunState[],
  to: RunState,
  update?: RunUpdate,
) => Promise<boolean>;

/** A state change that happened, for metrics and for whoever follows the run. */
export interface RunMoved {
  runId: string;
  pipeline: string;
  to: RunState;
  update: RunUpdate;
}

/** Told of a state change once it is stored; the move resolves after the observer. */
export type RunObserver = (moved: RunMoved) => void | Promise<void>;

/**
 * Every state change of a run goes through here: stored, logged, then observed. With
 * `attempt`, only that attempt of the run moves: a run taken over by another process since
 * is left alone.
 */
export function createMoveRun(
  store: RunStore,
  run: { id: string; pipeline: string },
  log: Logger,
  observe: RunObserver = () => undefined,
  attempt?: number,
): MoveRun {
  return async (from, to, update = {}) => {
    const moved = await store.transition(run.id, from, to, update, attempt);
    if (moved) {
      log.info("run state", {
        state: to,
        ...(update.reason ? { reason: update.reason } : {}),
        ...(update.exitCode !== undefined && update.exitCode !== null
          ? { exitCode: update.exitCode }
          : {}),
      });
      await observe({ runId: run.id, pipeline: run.pipeline, to, update });
    } else {
      log.warn("run state change refused: the run is no longer where it was", { from, to });
    }
    return moved;
  };
}

import type { Logger } from "../observability/logger.js";
import type { RunStore, RunUpdate } from "../store/run-store.js";
import type { RunState } from "./run-states.js";

/** Moves a run to a new state in the store and logs the change once; false when it moved on. */
export type MoveRun = (from: readonly RunState[], to: RunState, update?: RunUpdate) => boolean;

export function createMoveRun(store: RunStore, runId: string, log: Logger): MoveRun {
  return (from, to, update = {}) => {
    const moved = store.transition(runId, from, to, update);
    if (moved) {
      log.info("run state", {
        state: to,
        ...(update.reason ? { reason: update.reason } : {}),
        ...(update.exitCode !== undefined && update.exitCode !== null
          ? { exitCode: update.exitCode }
          : {}),
      });
    } else {
      log.warn("run state change refused: the run is no longer where it was", { from, to });
    }
    return moved;
  };
}

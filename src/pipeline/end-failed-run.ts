import { oneLine } from "../docker/docker-error.js";
import type { Logger } from "../observability/logger.js";
import type { RunRecord, RunStore } from "../store/run-store.js";
import type { MoveRun } from "./move-run.js";
import { StepClock } from "./step-clock.js";

export interface EndFailedDeps {
  store: Pick<RunStore, "getRun">;
  /** Moves this run: stored, logged and observed (metrics, followers) as any state change. */
  move: MoveRun;
  logger: Logger;
}

/**
 * A run whose execution failed in a way the executor could not handle (a store write refused:
 * disk full) would stay pulling or testing until a restart, holding its followers. It ends
 * errored saying why, as a normal end would; when even that cannot be written, it is left for
 * the next start, which requeues it. A run past its test (acting) keeps its verdict and is
 * left as it is. Either way the failure is logged once, here.
 */
export async function endFailedRun(
  run: RunRecord,
  error: unknown,
  deps: EndFailedDeps,
): Promise<void> {
  const failed = {
    runId: run.id,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  };
  try {
    const now = await deps.store.getRun(run.id);
    if (now?.state !== "pulling" && now?.state !== "testing") {
      deps.logger.error("run execution failed", failed);
      return;
    }
    const steps = new StepClock(now.steps);
    steps.finishAll();
    const message = error instanceof Error ? error.message : String(error);
    await deps.move([now.state], "errored", {
      reason: oneLine(`pushgate could not record the run: ${message}`),
      verdict: "errored",
      exitCode: null,
      steps: steps.snapshot(),
    });
    deps.logger.error("run execution failed; the run ended errored", failed);
  } catch (endError) {
    deps.logger.error("run execution failed; the run is left for the next start to requeue", {
      ...failed,
      endError: String(endError),
    });
  }
}

import type { PipelineConfig } from "../config/config.js";
import type { Logger } from "../observability/logger.js";
import type { RunStore } from "../store/run-store.js";
import { imageNameOf } from "./image-name.js";
import type { MoveRun } from "./move-run.js";
import { TRIGGER_OF, type PerformActions, type Verdict } from "./outcome.js";
import { abortKindOf, lettingGo } from "./run-abort.js";
import type { RunState } from "./run-states.js";
import type { StepClock } from "./step-clock.js";

export interface Finish {
  runId: string;
  /** The state the run is in now. */
  from: RunState;
  verdict: Verdict;
  reason?: string;
  exitCode?: number;
  steps: StepClock;
  /** The attempt to record, when it is not the one claimed (an attempt given back). */
  attempt?: number;
}

export interface FinishDeps {
  store: RunStore;
  pipeline: PipelineConfig | undefined;
  move: MoveRun;
  log: Logger;
  performActions?: PerformActions;
  /** Told once the run is `acting`: its test is over, its test slot may go to the next run. */
  testOver?: () => void;
  /** Settles once the run's test containers are removed: the run's final state waits for it. */
  containersGone?: () => Promise<void>;
}

/**
 * Ends a tested run. With actions configured for its verdict (commit statuses and a
 * promotion count), the verdict is stored first (state `acting`, so a restart during the
 * actions knows it and resumes them), the actions run (the test container being removed
 * meanwhile), then the run takes the verdict as its final state once its containers are gone.
 * Without, it goes straight there.
 */
export async function finishRun(finish: Finish, deps: FinishDeps, signal: AbortSignal) {
  const { move, performActions, pipeline } = deps;
  const update = {
    verdict: finish.verdict,
    reason: finish.reason ?? null,
    exitCode: finish.exitCode ?? null,
    ...(finish.attempt !== undefined ? { attempt: finish.attempt } : {}),
  };
  const trigger = TRIGGER_OF[finish.verdict];
  const promotes = finish.verdict === "passed" && pipeline?.promote !== undefined;
  const anyActions =
    pipeline &&
    (pipeline.on[trigger].length > 0 ||
      pipeline.callback ||
      pipeline.statuses.length > 0 ||
      promotes);
  if (!performActions || !pipeline || !anyActions) {
    await deps.containersGone?.();
    finish.steps.finishAll();
    await move([finish.from], finish.verdict, { ...update, steps: finish.steps.snapshot() });
    return;
  }
  finish.steps.start("actions");
  if (!(await move([finish.from], "acting", { ...update, steps: finish.steps.snapshot() }))) return;
  deps.testOver?.();
  await performRunActions(finish, deps, signal);
}

/** Runs the actions of a run in state `acting` (just tested, or found so at start-up). */
export async function performRunActions(
  finish: Omit<Finish, "from">,
  deps: FinishDeps,
  signal: AbortSignal,
): Promise<void> {
  const { store, move, log, performActions, pipeline } = deps;
  const run = await store.getRun(finish.runId);
  if (run && pipeline && performActions) {
    try {
      await performActions(
        {
          run,
          pipeline,
          verdict: finish.verdict,
          ...(finish.reason !== undefined ? { reason: finish.reason } : {}),
          ...(run.imageDigest
            ? { imageDigest: `${imageNameOf(run.event)}@${run.imageDigest}` }
            : {}),
          durationMs: finish.steps.durationMs(),
        },
        signal,
      );
    } catch (error) {
      // An abort is not a failure: unfinished actions stay recorded (pending) in the store.
      if (signal.aborted) log.info("actions interrupted", { by: abortKindOf(signal) });
      else {
        log.error("actions failed", {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }
  // Letting go: the run stays `acting` with its verdict, and its actions resume after a restart
  // (or on the replica that took it over).
  if (lettingGo(signal)) return;
  await deps.containersGone?.();
  finish.steps.finishAll();
  await move(["acting"], finish.verdict, { steps: finish.steps.snapshot() });
}

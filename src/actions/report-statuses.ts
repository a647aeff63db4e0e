import type { PipelineConfig } from "../config/config.js";
import type { RunStore, RunRecord } from "../store/run-store.js";
import type { StatusPhase } from "./commit-status.js";
import type { RunSteps } from "./run-steps.js";
import { statusStepsOf, type StatusSettings } from "./status-steps.js";

/** A run's commit statuses outside its actions: when its test starts, and when it ends without actions. */
export interface StatusReporter {
  /** Plans the run's statuses and sends `pending`: its test starts. */
  pending(run: RunRecord, signal: AbortSignal): Promise<void>;
  /**
   * Sends the final statuses of a run that ended (cancelled, superseded, or found ended
   * with statuses unsent at start-up), if its test had started: its statuses were planned.
   */
  settle(run: RunRecord, signal: AbortSignal): Promise<void>;
}

/** The final phase of a run in a final state. */
const PHASE_OF: Partial<Record<RunRecord["state"], StatusPhase>> = {
  passed: "passed",
  failed: "failed",
  errored: "errored",
  cancelled: "cancelled",
  superseded: "superseded",
};

export function createStatusReporter(deps: {
  store: Pick<RunStore, "listActions">;
  runSteps: RunSteps;
  pipelines: readonly PipelineConfig[];
  settings: StatusSettings;
}): StatusReporter {
  const pipelineOf = (run: RunRecord) => {
    const pipeline = deps.pipelines.find((p) => p.name === run.pipeline);
    return pipeline && pipeline.statuses.length > 0 ? pipeline : undefined;
  };
  return {
    pending: async (run, signal) => {
      const pipeline = pipelineOf(run);
      if (!pipeline) return;
      await deps.runSteps(
        run.id,
        statusStepsOf(run, pipeline, "pending", undefined, deps.settings),
        signal,
      );
    },
    settle: async (run, signal) => {
      const pipeline = pipelineOf(run);
      const phase = PHASE_OF[run.state];
      if (!pipeline || !phase) return;
      const planned = (await deps.store.listActions(run.id)).some((a) => a.kind === "status");
      if (!planned) return;
      const steps = statusStepsOf(run, pipeline, phase, run.reason, deps.settings);
      await deps.runSteps(run.id, steps, signal);
    },
  };
}

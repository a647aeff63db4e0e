import type { PipelineConfig } from "../config/config.js";
import type { RunRecord } from "../store/run-store.js";

/** What a test said about an image. errored: the test could not be run at all. */
export type Verdict = "passed" | "failed" | "errored";

/** A run's result, handed to the pipeline's actions once the test is over. */
export interface RunOutcome {
  /** The run as stored when testing ended: event, digest tested, exit code, step timings. */
  run: RunRecord;
  pipeline: PipelineConfig;
  verdict: Verdict;
  /** One line: "exit code 3", "timeout after 10m", "manifest unknown: acme/web:v9". */
  reason?: string;
  /** repository@digest that was tested, when the pull got that far. */
  imageDigest?: string;
  /** From the start of the pull to the end of the test. */
  durationMs: number;
}

/**
 * Performs a pipeline's `on.success | on.failure | on.error` actions for an outcome and
 * records each action's attempts on the run. It resolves when every action is done or has
 * given up: a failed action never changes the verdict, so it does not throw for one. The
 * signal aborts it when pushgate is shutting down.
 */
export type PerformActions = (outcome: RunOutcome, signal: AbortSignal) => Promise<void>;

/** Which list of actions a verdict runs. */
export const TRIGGER_OF: Record<Verdict, "success" | "failure" | "error"> = {
  passed: "success",
  failed: "failure",
  errored: "error",
};

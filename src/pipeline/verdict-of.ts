import type { PipelineConfig } from "../config/config.js";
import { formatDuration } from "../config/format-duration.js";
import { DockerError, oneLine } from "../docker/docker-error.js";
import type { TestResult } from "../docker/test-container.js";
import type { Logger } from "../observability/logger.js";
import { ComposeError } from "../testing/compose-test.js";
import type { Verdict } from "./outcome.js";

export interface Tested {
  verdict: Verdict;
  /** One line: "exit code 3", "timeout after 10m", "image not found: ...". */
  reason?: string;
  exitCode?: number;
}

/** passed: exit 0. failed: any other exit, the timeout, or the memory limit. */
export function verdictOf(result: TestResult, pipeline: PipelineConfig): Tested {
  if (result.timedOut) {
    return {
      verdict: "failed",
      reason: `timeout after ${formatDuration(pipeline.test.timeoutMs)}`,
    };
  }
  if (result.exitCode === 0) return { verdict: "passed", exitCode: 0 };
  const reason = result.oomKilled
    ? `exit code ${result.exitCode}: killed at the memory limit (test.resources.memory)`
    : `exit code ${result.exitCode}`;
  return { verdict: "failed", exitCode: result.exitCode, reason };
}

/** A test that could not run: its one-line reason. An unexpected error is also logged. */
export function erroredBy(error: unknown, log: Logger): Tested {
  if (error instanceof DockerError) return { verdict: "errored", reason: error.message };
  if (error instanceof ComposeError) return { verdict: "errored", reason: oneLine(error.message) };
  log.error("run failed unexpectedly", {
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  const message = error instanceof Error ? error.message : String(error);
  return { verdict: "errored", reason: `internal error: ${message.split("\n")[0] ?? ""}` };
}

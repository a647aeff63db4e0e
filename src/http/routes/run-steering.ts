import type { RequestHandler } from "express";
import type { RetryRun } from "../../pipeline/retry-run.js";
import type { CancelOutcome } from "../../pipeline/scheduler.js";
import { HttpError } from "../http-error.js";
import { BACKLOG_RETRY_AFTER_S } from "./handle-webhook.js";
import { runView } from "./run-view.js";

/** What the API may do to runs and to the queue. */
export interface RunSteering {
  cancel(runId: string): Promise<CancelOutcome>;
  retry: RetryRun;
  /** Stops starting tests, stored across restarts; runs are still accepted and queued. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  queue(): Promise<QueueStatus>;
}

export interface QueueStatus {
  paused: boolean;
  /** Runs waiting for a test slot. */
  queued: number;
  /** Runs being pulled or tested by this process now (a run sending its actions is not). */
  executing: number;
}

/** GET /api/queue, and POST /api/queue/pause | /api/queue/resume answering the same. */
export function queueStatus(steering: RunSteering, change?: "pause" | "resume"): RequestHandler {
  return async (_req, res) => {
    if (change === "pause") await steering.pause();
    if (change === "resume") await steering.resume();
    res.json(await steering.queue());
  };
}

/** POST /api/runs/:id/cancel — 200 with the cancelled run; 409 when it is over; 404 unknown. */
export function cancelRun(steering: RunSteering): RequestHandler {
  return async (req, res) => {
    const id = String(req.params.id);
    const outcome = await steering.cancel(id);
    switch (outcome.kind) {
      case "unknown":
        throw new HttpError(404, "not_found", `no run ${id}`);
      case "refused":
        throw new HttpError(
          409,
          "run_not_cancellable",
          outcome.run.state === "acting"
            ? `run ${id} is acting: its test is over and its actions are being sent`
            : `run ${id} is already ${outcome.run.state}`,
          { state: outcome.run.state },
        );
      case "cancelled":
        res.json(runView(outcome.run));
    }
  };
}

/** POST /api/runs/:id/retry — 202 with the new run (Location: its URL). */
export function retryRun(steering: RunSteering): RequestHandler {
  return async (req, res) => {
    const id = String(req.params.id);
    const outcome = await steering.retry(id);
    switch (outcome.kind) {
      case "unknown":
        throw new HttpError(404, "not_found", `no run ${id}`);
      case "unfinished":
        throw new HttpError(
          409,
          "run_not_finished",
          `run ${id} is ${outcome.run.state}: only a finished run can be retried`,
          { state: outcome.run.state },
        );
      case "no-pipeline":
        throw new HttpError(
          409,
          "pipeline_gone",
          `pipeline ${outcome.run.pipeline} is no longer configured`,
        );
      case "backlog-full":
        throw new HttpError(
          429,
          "backlog_full",
          `${outcome.backlog} runs are already queued (limits.backlog); retry later`,
          {},
          { "Retry-After": String(BACKLOG_RETRY_AFTER_S) },
        );
      case "queued":
        res.status(202).location(`/api/runs/${outcome.run.id}`).json(runView(outcome.run));
    }
  };
}

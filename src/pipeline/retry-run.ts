import type { RunRecord, RunStore } from "../store/run-store.js";
import { isFinal } from "./run-states.js";

export type RetryOutcome =
  | { kind: "queued"; run: RunRecord }
  | { kind: "unknown" }
  | { kind: "unfinished"; run: RunRecord }
  | { kind: "no-pipeline"; run: RunRecord }
  | { kind: "backlog-full"; backlog: number };

export interface RetryRunOptions {
  store: RunStore;
  /** Names of the pipelines configured now. */
  pipelines: readonly string[];
  /** limits.backlog: a retry counts as one more queued run. */
  backlog: number;
  clock?: () => Date;
  /** Told of the new run once it is durable. */
  onQueued: (run: RunRecord) => void;
}

export type RetryRun = (runId: string) => Promise<RetryOutcome>;

/**
 * Queues a new run of a finished run's event and pipeline, linked to it by `retryOf`. The
 * original keeps its state and history. A retry supersedes nothing: it is not a new push.
 */
export function createRetryRun(options: RetryRunOptions): RetryRun {
  const { store, backlog } = options;
  const clock = options.clock ?? (() => new Date());
  return async (runId) => {
    const original = await store.getRun(runId);
    if (!original) return { kind: "unknown" };
    if (!isFinal(original.state)) return { kind: "unfinished", run: original };
    if (!options.pipelines.includes(original.pipeline)) {
      return { kind: "no-pipeline", run: original };
    }
    if ((await store.countRuns("queued")) + 1 > backlog) return { kind: "backlog-full", backlog };
    const id = await store.retry(runId, clock());
    const run = id === undefined ? undefined : await store.getRun(id);
    if (!run) return { kind: "unknown" };
    options.onQueued(run);
    return { kind: "queued", run };
  };
}

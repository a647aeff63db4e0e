import type { StoreConfig } from "../config/config.js";
import type { Logger } from "../observability/logger.js";
import { retentionPolicyOf } from "../store/retention-policy-of.js";
import type { RunStore } from "../store/run-store.js";

/** Runs deleted per transaction: short enough never to hold intake up. */
export const PRUNE_BATCH = 200;
/** How often the store is pruned. */
const EVERY_MS = 10 * 60_000;
/** Between two batches, so other writers go first. */
const PAUSE_MS = 50;

/**
 * Applies store.retention now and then: deletes what it lets go, a batch at a time with a
 * pause between, until nothing is left to delete. Does nothing when no retention is set.
 */
export function keepRetention(deps: {
  store: Pick<RunStore, "prune">;
  retention: StoreConfig["retention"];
  logger: Logger;
}): { stop(): Promise<void> } {
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  const pass = async (): Promise<void> => {
    const policy = retentionPolicyOf(deps.retention, new Date());
    if (!policy) return;
    let runs = 0;
    let events = 0;
    for (;;) {
      const pruned = await deps.store.prune(policy, PRUNE_BATCH);
      runs += pruned.runs;
      events += pruned.events;
      if (stopped || pruned.runs < PRUNE_BATCH) break;
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
    if (runs > 0) deps.logger.info("pruned finished runs (store.retention)", { runs, events });
  };
  const run = (): void => {
    current = pass().catch((error: unknown) => {
      deps.logger.warn("could not prune finished runs", { error: String(error) });
    });
  };
  run();
  const timer = setInterval(run, EVERY_MS);
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
}

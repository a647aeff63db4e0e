import type { RunStore } from "../store/run-store.js";
import type { LiveOutput } from "./live-output.js";

/**
 * Stores what the runs being tested here printed so far, when it grew: with a store shared
 * by replicas, a follower on another replica reads it from there.
 */
export function createLiveOutputSaver(
  live: LiveOutput,
  store: Pick<RunStore, "saveOutput">,
): () => Promise<void> {
  const saved = new Map<string, number>();
  return async () => {
    const ids = live.runIds();
    for (const runId of saved.keys()) if (!ids.includes(runId)) saved.delete(runId);
    for (const runId of ids) {
      const output = live.snapshot(runId);
      if (!output || output.totalBytes === (saved.get(runId) ?? 0)) continue;
      await store.saveOutput(runId, output);
      saved.set(runId, output.totalBytes);
    }
  };
}

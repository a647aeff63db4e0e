import type { SupersedeMode } from "../config/config.js";
import type { RunRecord, RunStore } from "../store/run-store.js";
import type { MoveRun } from "./move-run.js";
import type { RunState } from "./run-states.js";

export interface SupersedeDeps {
  store: Pick<RunStore, "olderRunsOfImage">;
  /** A MoveRun for one of the older runs. */
  moveOf: (run: RunRecord) => MoveRun;
  /** Stops an older run being pulled or tested, here or elsewhere; it ends `superseded` itself. */
  abort: (runId: string, by: string) => void | Promise<void>;
}

/**
 * Applies a pipeline's `supersede` to the runs older than `runId` that test the same image
 * (registry/repository:tag) in the same pipeline: queued ones end `superseded` at once and,
 * with "running", those being pulled or tested are stopped. A run whose test is over
 * (acting) keeps its verdict. Returns the ids superseded or being stopped.
 */
export async function supersedeRuns(
  runId: string,
  mode: SupersedeMode,
  deps: SupersedeDeps,
): Promise<string[]> {
  if (mode === false) return [];
  const states: RunState[] = mode === "running" ? ["queued", "pulling", "testing"] : ["queued"];
  const reason = `superseded by ${runId}`;
  const touched: string[] = [];
  for (const older of await deps.store.olderRunsOfImage(runId, states)) {
    if (older.state === "queued") {
      if (await deps.moveOf(older)(["queued"], "superseded", { reason })) touched.push(older.id);
    } else {
      await deps.abort(older.id, runId);
      touched.push(older.id);
    }
  }
  return touched;
}

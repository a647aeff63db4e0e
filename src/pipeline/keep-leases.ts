import type { Logger } from "../observability/logger.js";
import type { Lease, RunRecord, RunStore } from "../store/run-store.js";
import type { MoveRun } from "./move-run.js";
import { RunAbort } from "./run-abort.js";
import type { RunFlights } from "./run-flights.js";

export interface KeepLeasesDeps {
  store: RunStore;
  flights: RunFlights;
  lease: Lease;
  logger: Logger;
  /** A MoveRun for a run, only for the attempt it is in. */
  moveOf: (run: RunRecord, attempt?: number) => MoveRun;
  /** Removes what a run left in Docker, whoever created it. */
  reapRun?: (runId: string) => Promise<void>;
}

/**
 * Renews the leases of the runs this process holds; a run whose lease is gone (another
 * process took it over: this one was too slow) is stopped here and left alone, and a stop
 * asked by another process (cancel, supersede) is carried out.
 */
export async function renewLeases(deps: KeepLeasesDeps): Promise<void> {
  const { store, flights, lease, logger } = deps;
  const held = flights.ids();
  if (held.length === 0) return;
  const kept = await store.renewLeases(lease, held, new Date());
  const keptIds = new Set(kept.map((run) => run.id));
  for (const runId of held) {
    if (keptIds.has(runId) || flights.get(runId)?.controller.signal.aborted) continue;
    // Still ours a moment ago? A run that just ended is not lost.
    if (!flights.get(runId)) continue;
    logger.warn("run lease lost: another process holds the run now; stopping here", { runId });
    flights.abort(runId, new RunAbort("lost"));
  }
  for (const { id, stop } of kept) {
    if (!stop) continue;
    flights.abort(
      id,
      stop === "cancel" ? new RunAbort("cancel") : new RunAbort("supersede", stop.supersededBy),
    );
  }
}

/**
 * Puts back in the queue the runs being pulled or tested by a process that is gone (its
 * lease ran out, or `gone`: this instance's previous process), removing what they left in
 * Docker when it is this process's engine. The move is guarded by the run's attempt, so of
 * several replicas doing this at once, one does it.
 */
export async function requeueAbandoned(deps: KeepLeasesDeps, gone?: string): Promise<number> {
  const { store, lease, logger } = deps;
  let requeued = 0;
  for (const run of await store.abandonedRuns(new Date(), gone)) {
    const holder = run.holder;
    const restarted = holder === undefined || (gone !== undefined && holder.owner.startsWith(gone));
    const reason = restarted
      ? `requeued: pushgate restarted while ${run.state}`
      : `requeued: ${holder.owner} stopped renewing its lease while ${run.state}`;
    if (!(await deps.moveOf(run, run.attempt)([run.state], "queued", { reason }))) continue;
    requeued += 1;
    if (!restarted && holder.engine === lease.engine && deps.reapRun) {
      await deps.reapRun(run.id).catch((error: unknown) =>
        logger.warn("could not remove a run's leftovers", {
          runId: run.id,
          error: String(error),
        }),
      );
    }
  }
  return requeued;
}

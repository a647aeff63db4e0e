import type { Logger } from "../observability/logger.js";
import type { RunRecord, RunStore } from "../store/run-store.js";
import type { RunExecutor } from "./execute-run.js";
import { RunAbort } from "./run-abort.js";

export interface SchedulerOptions {
  store: RunStore;
  executor: RunExecutor;
  /** Runs pulled and tested at once (docker.concurrency). */
  concurrency: number;
  logger: Logger;
}

/** Pause before looking at the queue again after a run failed in an unexpected way. */
const RETRY_MS = 1000;

/**
 * Picks queued runs oldest first, `concurrency` at a time, and executes them. At start it
 * puts runs a previous process left mid-test back in the queue, and resumes the actions of
 * runs it left `acting`. stop() aborts what is in flight and waits for its clean-up.
 */
export class Scheduler {
  private readonly inFlight = new Map<string, AbortController>();
  private readonly tasks = new Set<Promise<void>>();
  private executing = 0;
  private running = false;

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    const { store, logger, executor } = this.options;
    for (const run of store.runsInStates(["pulling", "testing"])) {
      const reason = `requeued: pushgate restarted while ${run.state}`;
      if (store.transition(run.id, [run.state], "queued", { reason })) {
        logger.info("run state", { runId: run.id, state: "queued", reason });
      }
    }
    for (const run of store.runsInStates(["acting"])) this.launch(run, executor.resume);
    this.pump();
  }

  /** Looks at the queue: new runs were recorded. */
  notify(): void {
    this.pump();
  }

  /** True while the run is being executed by this scheduler. */
  isActive(runId: string): boolean {
    return this.inFlight.has(runId);
  }

  /** Cancels a queued or executing run; false when it is neither. */
  cancel(runId: string): boolean {
    const controller = this.inFlight.get(runId);
    if (controller) {
      controller.abort(new RunAbort("cancel"));
      return true;
    }
    const cancelled = this.options.store.transition(runId, ["queued"], "cancelled", {
      reason: "cancelled",
    });
    if (cancelled) this.options.logger.info("run state", { runId, state: "cancelled" });
    return cancelled;
  }

  /** Aborts every run in flight (they go back to the queue) and waits for their clean-up. */
  async stop(): Promise<void> {
    this.running = false;
    for (const controller of this.inFlight.values()) controller.abort(new RunAbort("shutdown"));
    await Promise.allSettled([...this.tasks]);
  }

  private pump(): void {
    if (!this.running) return;
    const free = this.options.concurrency - this.executing;
    if (free <= 0) return;
    let queued: RunRecord[];
    try {
      queued = this.options.store.runsInStates(["queued"]);
    } catch (error) {
      this.options.logger.error("cannot read the queue", { error: String(error) });
      return;
    }
    for (const run of queued.filter((r) => !this.inFlight.has(r.id)).slice(0, free)) {
      this.executing += 1;
      this.launch(run, this.options.executor.execute, () => (this.executing -= 1));
    }
  }

  private launch(
    run: RunRecord,
    work: (run: RunRecord, signal: AbortSignal) => Promise<void>,
    done: () => void = () => undefined,
  ): void {
    const controller = new AbortController();
    this.inFlight.set(run.id, controller);
    let failed = false;
    const task = work(run, controller.signal)
      .catch((error: unknown) => {
        failed = true;
        this.options.logger.error("run execution failed", {
          runId: run.id,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
      })
      .finally(() => {
        this.inFlight.delete(run.id);
        this.tasks.delete(task);
        done();
        if (failed) setTimeout(() => this.pump(), RETRY_MS).unref();
        else this.pump();
      });
    this.tasks.add(task);
  }
}

import type { PipelineConfig } from "../config/config.js";
import type { Logger } from "../observability/logger.js";
import type { Lease, RunRecord, RunStore } from "../store/run-store.js";
import type { RunExecutor } from "./execute-run.js";
import type { QueuedRun } from "./accept-delivery.js";
import { endFailedRun } from "./end-failed-run.js";
import { renewLeases, requeueAbandoned, type KeepLeasesDeps } from "./keep-leases.js";
import { createMoveRun, type MoveRun, type RunObserver } from "./move-run.js";
import { pickRuns } from "./pick-runs.js";
import { RunAbort } from "./run-abort.js";
import { isFinal } from "./run-states.js";
import { RunFlights, waitAtMost } from "./run-flights.js";
import { supersedeRuns } from "./supersede-runs.js";

export interface SchedulerOptions {
  store: RunStore;
  executor: RunExecutor;
  /** Runs pulled and tested at once (docker.concurrency). */
  concurrency: number;
  /** Each pipeline's own limit and supersede mode. */
  pipelines: readonly Pick<PipelineConfig, "name" | "concurrency" | "supersede">[];
  logger: Logger;
  observe?: RunObserver;
  /** How this process claims runs: its owner, its engine, the lease's length (store.lease). */
  lease: Lease;
  /**
   * The owner prefix of this instance's earlier processes: runs they held are taken back at
   * start at once, as a restart's. "" on SQLite, where one process owns the file.
   */
  previousSelf: string;
  /** Removes what a run left in Docker, whoever created it (a run taken over). */
  reapRun?: (runId: string) => Promise<void>;
  /** How often leases are renewed and the shared queue is looked at (default: lease / 3, at most 1 s). */
  tickMs?: number;
  /** Done on every tick too (storing the output of runs being tested, for other replicas). */
  onTick?: () => Promise<void>;
}

/** What a cancel did: the run as it is now, or why it could not be cancelled. */
export type CancelOutcome =
  { kind: "cancelled"; run: RunRecord } | { kind: "refused"; run: RunRecord } | { kind: "unknown" };

/** Pause before looking at the queue again after a run failed in an unexpected way. */
const RETRY_MS = 1000;
/** Longest a cancel waits for the run's container to be gone before answering. */
const CANCEL_WAIT_MS = 15_000;
/** How often a cancel of a run held by another process looks whether it is done. */
const CANCEL_POLL_MS = 100;

/**
 * Picks queued runs oldest first within `concurrency` and each pipeline's own limit, and
 * executes them. At start it puts runs a previous process left mid-test back in the queue,
 * resumes the actions of runs it left `acting` and sends the commit statuses finished runs
 * left unsent. New runs may supersede older ones of
 * the same image. A run whose execution fails unexpectedly (its store writes refused) ends
 * errored, as far as the store allows. stop() lets runs in flight finish for a grace period,
 * then aborts them.
 */
export class Scheduler {
  private readonly flights = new RunFlights();
  private readonly pipelines = new Map<string, SchedulerOptions["pipelines"][number]>();
  /** Pipelines whose queued runs are picked: the configured ones, and any found queued at start. */
  private readonly names = new Set<string>();
  private running = false;
  private paused = false;
  /** A look at the queue under way; another asked for meanwhile runs after it. */
  private pumping = false;
  private pumpAgain = false;
  private ticker: NodeJS.Timeout | undefined;
  private ticking = false;

  constructor(private readonly options: SchedulerOptions) {
    for (const pipeline of options.pipelines) {
      this.pipelines.set(pipeline.name, pipeline);
      this.names.add(pipeline.name);
    }
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const { store, executor } = this.options;
    this.paused = await store.queuePaused();
    if (this.paused)
      this.options.logger.warn("the queue is paused: no test starts until it is resumed");
    // What this instance held before it restarted is taken back now, without waiting for its
    // leases to run out; so is what any process left whose lease ran out.
    const { previousSelf, lease } = this.options;
    await requeueAbandoned(this.keeping(), previousSelf);
    // Runs of a pipeline no longer configured are picked too, and end errored saying so.
    (await store.queuedPipelines()).forEach((name) => this.names.add(name));
    for (const run of await store.claimActing(lease, new Date(), previousSelf))
      this.resumeActing(run);
    // Commit statuses a run that ended (cancelled, superseded) left unsent are sent now.
    const unsettled = new Set(
      (await store.unfinishedActions()).filter((a) => a.kind === "status").map((a) => a.runId),
    );
    for (const runId of unsettled) {
      const run = await store.getRun(runId);
      if (run && isFinal(run.state)) {
        this.launch(run, (signal) => executor.settle(run, signal), false);
      }
    }
    const tickMs = this.options.tickMs ?? Math.min(1000, Math.floor(lease.ms / 3));
    this.ticker = setInterval(() => void this.tick(), tickMs);
    this.ticker.unref();
    this.pump();
  }

  /**
   * Renews this process's leases (stopping runs it lost, carrying out stops other processes
   * asked), requeues runs whose holder is gone, resumes the actions of acting runs nobody
   * holds, follows the shared pause, and looks at the queue: runs other replicas recorded.
   */
  private async tick(): Promise<void> {
    if (!this.running || this.ticking) return;
    this.ticking = true;
    const { store, lease, logger } = this.options;
    try {
      await renewLeases(this.keeping());
      await requeueAbandoned(this.keeping());
      for (const run of await store.claimActing(lease, new Date())) {
        if (!this.running) break;
        this.resumeActing(run);
      }
      const paused = await store.queuePaused();
      if (paused !== this.paused) logger.info(paused ? "queue paused" : "queue resumed");
      this.paused = paused;
      (await store.queuedPipelines()).forEach((name) => this.names.add(name));
      this.pump();
      await this.options.onTick?.();
    } catch (error) {
      logger.warn("cannot keep the leases or look at the queue", { error: String(error) });
    } finally {
      this.ticking = false;
    }
  }

  private keeping(): KeepLeasesDeps {
    const { store, lease, logger, reapRun } = this.options;
    return {
      store,
      flights: this.flights,
      lease,
      logger,
      moveOf: (run, attempt) => this.moveOf(run, attempt),
      ...(reapRun ? { reapRun } : {}),
    };
  }

  /**
   * Looks at the queue: runs were recorded. New pushes may supersede older runs first.
   * Resolves once they have been superseded (the queue is looked at in the background).
   */
  async notify(newRuns: readonly QueuedRun[] = []): Promise<void> {
    try {
      for (const run of newRuns) await this.supersedeOlder(run);
    } catch (error) {
      this.options.logger.error("cannot supersede older runs", { error: String(error) });
    }
    this.pump();
  }

  /**
   * Stops starting tests (runs are still accepted, queued and superseded); runs in flight go
   * on. The pause is stored, so it outlasts a restart, until resume().
   */
  async pause(): Promise<void> {
    await this.options.store.setQueuePaused(true);
    this.paused = true;
    this.options.logger.info("queue paused");
  }

  async resume(): Promise<void> {
    await this.options.store.setQueuePaused(false);
    this.paused = false;
    this.options.logger.info("queue resumed");
    this.pump();
  }

  /** True while the run is being executed by this scheduler. */
  isActive(runId: string): boolean {
    return this.flights.get(runId) !== undefined;
  }

  /**
   * Runs being pulled or tested by this scheduler now: those holding one of `concurrency`'s
   * slots. A run whose test is over (acting) holds none while its actions go on.
   */
  executingCount(): number {
    return this.flights.executing();
  }

  /**
   * Cancels a queued run, or a run being pulled or tested (its containers are removed
   * before this resolves). A finished run, or one whose test is over (acting), is refused.
   */
  async cancel(runId: string): Promise<CancelOutcome> {
    const { store } = this.options;
    const before = await store.getRun(runId);
    if (!before) return { kind: "unknown" };
    const flight = this.flights.get(runId);
    const executing = before.state === "pulling" || before.state === "testing";
    if (flight?.executing && before.state !== "acting") {
      flight.controller.abort(new RunAbort("cancel"));
      await waitAtMost(flight.task, CANCEL_WAIT_MS);
    } else if (before.state === "queued") {
      await this.moveOf(before)(["queued"], "cancelled", { reason: "cancelled" });
    } else if (executing && (await store.requestStop(runId, "cancel"))) {
      // Held by another process: it stops the run at its next lease renewal.
      await this.untilMovedOn(runId);
    }
    const after = (await store.getRun(runId)) ?? before;
    return after.state === "cancelled" && before.state !== "cancelled"
      ? { kind: "cancelled", run: after }
      : { kind: "refused", run: after };
  }

  /** Waits until a run is no longer being pulled or tested, or CANCEL_WAIT_MS have passed. */
  private async untilMovedOn(runId: string): Promise<void> {
    const deadline = Date.now() + CANCEL_WAIT_MS;
    while (Date.now() < deadline) {
      const run = await this.options.store.getRun(runId);
      if (run?.state !== "pulling" && run?.state !== "testing") return;
      await new Promise((resolve) => setTimeout(resolve, CANCEL_POLL_MS));
    }
  }

  /**
   * Stops picking runs, lets those in flight go on for up to `graceMs`, then aborts the rest
   * (they go back to the queue, or stay `acting` with their verdict) and waits for their
   * clean-up.
   */
  async stop(graceMs = 0): Promise<void> {
    this.running = false;
    clearInterval(this.ticker);
    const tasks = this.flights.tasks();
    if (graceMs > 0 && tasks.length > 0) await waitAtMost(Promise.allSettled(tasks), graceMs);
    this.flights.abortAll(new RunAbort("shutdown"));
    await Promise.allSettled(tasks);
  }

  /** Cuts a stop's grace short: every run in flight is aborted now, as at the grace's end. */
  stopNow(): void {
    this.running = false;
    this.flights.abortAll(new RunAbort("shutdown"));
  }

  private async supersedeOlder({ id: runId, pipeline }: QueuedRun): Promise<void> {
    const mode = this.pipelines.get(pipeline)?.supersede ?? false;
    if (mode === false) return;
    await supersedeRuns(runId, mode, {
      store: this.options.store,
      moveOf: (older) => this.moveOf(older),
      abort: async (olderId, by) => {
        if (this.flights.get(olderId)) this.flights.abort(olderId, new RunAbort("supersede", by));
        else await this.options.store.requestStop(olderId, { supersededBy: by });
      },
    });
  }

  /** Starts what the queue and the limits allow; one look at a time, never overlapping. */
  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    void this.pumpOnce().finally(() => {
      this.pumping = false;
      if (this.pumpAgain) {
        this.pumpAgain = false;
        this.pump();
      }
    });
  }

  private async pumpOnce(): Promise<void> {
    if (!this.running || this.paused) return;
    // Every slot taken: nothing could start, so the store is not asked (a webhook calls this
    // for each delivery; a slot freed calls it again).
    if (this.flights.executing() >= this.options.concurrency) return;
    const { store, lease } = this.options;
    const claimed: RunRecord[] = [];
    try {
      // The pause is the fleet's: another replica may have paused the queue a moment ago.
      this.paused = await store.queuePaused();
      if (this.paused) return;
      const picked = await pickRuns(
        store,
        this.names,
        this.options.concurrency - this.flights.executing(),
        (name) =>
          (this.pipelines.get(name)?.concurrency ?? Infinity) - this.flights.executing(name),
      );
      const wanted = new Map<string, number>();
      for (const run of picked) wanted.set(run.pipeline, (wanted.get(run.pipeline) ?? 0) + 1);
      // The claim decides: another replica may have taken some, or filled the pipeline's limit.
      for (const [name, count] of wanted) {
        const limit = this.pipelines.get(name)?.concurrency;
        claimed.push(...(await store.claimRuns(name, count, limit, lease, new Date())));
      }
    } catch (error) {
      this.options.logger.error("cannot read the queue", { error: String(error) });
    }
    claimed.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (!this.running) {
      // Stopped while claiming: the runs go back, their attempt given back.
      for (const run of claimed) {
        const back = { reason: "requeued: pushgate stopped", attempt: run.attempt - 1 };
        await this.moveOf(run, run.attempt)(["pulling"], "queued", back).catch(() => false);
      }
      return;
    }
    for (const run of claimed) {
      // Claimed in the store: the move to pulling is told as every other move is.
      const log = this.options.logger.child({ runId: run.id, pipeline: run.pipeline });
      log.info("run state", { state: "pulling", attempt: run.attempt });
      const moved = { runId: run.id, pipeline: run.pipeline, to: "pulling" as const };
      await Promise.resolve()
        .then(() => this.options.observe?.({ ...moved, update: { attempt: run.attempt } }))
        .catch(() => undefined);
      const testOver = (): void => this.testOver(run.id);
      this.launch(run, (signal) => this.options.executor.execute(run, signal, testOver), true);
    }
  }

  /**
   * Resumes the actions of an acting run nobody holds. Its test container may still be there
   * (a run's container is removed while its verdict is acted on): it is removed first.
   */
  private resumeActing(run: RunRecord): void {
    const { executor, reapRun, logger } = this.options;
    this.launch(
      run,
      async (signal) => {
        await reapRun?.(run.id).catch((error: unknown) =>
          logger.warn("could not remove a run's leftovers", {
            runId: run.id,
            error: String(error),
          }),
        );
        await executor.resume(run, signal);
      },
      false,
    );
  }

  private moveOf(run: RunRecord, attempt?: number): MoveRun {
    const { store, logger, observe } = this.options;
    const log = logger.child({ runId: run.id, pipeline: run.pipeline });
    return createMoveRun(store, run, log, observe, attempt);
  }

  /** A run's test is over (it is acting): its slot goes to the next queued run. */
  private testOver(runId: string): void {
    if (this.flights.release(runId)) this.pump();
  }

  private launch(
    run: RunRecord,
    work: (signal: AbortSignal) => Promise<void>,
    executing: boolean,
  ): void {
    this.flights.launch(run, work, executing, async (failure) => {
      if (!failure) {
        this.pump();
        return;
      }
      await endFailedRun(run, failure.error, {
        store: this.options.store,
        move: this.moveOf(run),
        logger: this.options.logger,
      });
      setTimeout(() => this.pump(), RETRY_MS).unref();
    });
  }
}

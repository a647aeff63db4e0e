import type { RunRecord } from "../store/run-store.js";
import type { RunAbort } from "./run-abort.js";

/** One run being worked on: its abort handle and the promise of its work. */
export interface Flight {
  controller: AbortController;
  task: Promise<void>;
  /** Pulled and tested here (counts against the limits), not only its actions resumed. */
  executing: boolean;
}

/**
 * The runs a scheduler is working on, and how many of them each pipeline is executing.
 * A flight never rejects: `done` is called once it ended, with what it failed with if it did.
 */
export class RunFlights {
  private readonly flights = new Map<string, Flight>();
  private readonly byPipeline = new Map<string, number>();
  private executingTotal = 0;

  launch(
    run: RunRecord,
    work: (signal: AbortSignal) => Promise<void>,
    executing: boolean,
    done: (failure?: { error: unknown }) => void,
  ): void {
    const controller = new AbortController();
    const count = (delta: number): void => {
      if (!executing) return;
      this.executingTotal += delta;
      this.byPipeline.set(run.pipeline, this.executingOf(run.pipeline) + delta);
    };
    count(1);
    const flight: Flight = { controller, task: Promise.resolve(), executing };
    this.flights.set(run.id, flight);
    let failure: { error: unknown } | undefined;
    flight.task = work(controller.signal)
      .catch((error: unknown) => {
        failure = { error };
      })
      .finally(() => {
        this.flights.delete(run.id);
        count(-1);
        done(failure);
      });
  }

  get(runId: string): Flight | undefined {
    return this.flights.get(runId);
  }

  abort(runId: string, reason: RunAbort): void {
    this.flights.get(runId)?.controller.abort(reason);
  }

  abortAll(reason: RunAbort): void {
    for (const flight of this.flights.values()) flight.controller.abort(reason);
  }

  tasks(): Promise<void>[] {
    return [...this.flights.values()].map((flight) => flight.task);
  }

  /** Runs being executed, in all or of one pipeline. */
  executing(pipeline?: string): number {
    return pipeline === undefined ? this.executingTotal : this.executingOf(pipeline);
  }

  private executingOf(pipeline: string): number {
    return this.byPipeline.get(pipeline) ?? 0;
  }
}

/** Waits for `work` to settle, but no longer than `ms`. */
export async function waitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([
    work.then(
      () => undefined,
      () => undefined,
    ),
    expired,
  ]);
  clearTimeout(timer);
}

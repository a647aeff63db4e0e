import type { RunRecord } from "../store/run-store.js";
import type { RunAbort } from "./run-abort.js";

/** One run being worked on: its abort handle and the promise of its work. */
export interface Flight {
  pipeline: string;
  controller: AbortController;
  task: Promise<void>;
  /**
   * Being pulled or tested here: it holds a test slot (counts against the limits). False
   * once its test is over and only its actions remain, and for actions resumed at start.
   */
  executing: boolean;
}

/**
 * The runs a scheduler is working on, and how many of them each pipeline is executing.
 * A flight never rejects: `done` is called once it ended, with what it failed with if it did,
 * and the flight's task settles after what `done` returned.
 */
export class RunFlights {
  private readonly flights = new Map<string, Flight>();
  private readonly byPipeline = new Map<string, number>();
  private executingTotal = 0;

  launch(
    run: RunRecord,
    work: (signal: AbortSignal) => Promise<void>,
    executing: boolean,
    done: (failure?: { error: unknown }) => void | Promise<void>,
  ): void {
    const controller = new AbortController();
    const flight: Flight = {
      pipeline: run.pipeline,
      controller,
      task: Promise.resolve(),
      executing,
    };
    if (executing) this.count(run.pipeline, 1);
    this.flights.set(run.id, flight);
    let failure: { error: unknown } | undefined;
    flight.task = work(controller.signal)
      .catch((error: unknown) => {
        failure = { error };
      })
      .then(() => {
        this.flights.delete(run.id);
        if (flight.executing) this.count(run.pipeline, -1);
        return done(failure);
      })
      .catch(() => undefined);
  }

  /**
   * The run's test is over: its slot is free for the next run, while the flight (its actions)
   * goes on. False when it held none.
   */
  release(runId: string): boolean {
    const flight = this.flights.get(runId);
    if (!flight?.executing) return false;
    flight.executing = false;
    this.count(flight.pipeline, -1);
    return true;
  }

  /** The runs this process holds. */
  ids(): string[] {
    return [...this.flights.keys()];
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

  /** Runs holding a test slot (being pulled or tested), in all or of one pipeline. */
  executing(pipeline?: string): number {
    return pipeline === undefined ? this.executingTotal : this.executingOf(pipeline);
  }

  private count(pipeline: string, delta: number): void {
    this.executingTotal += delta;
    this.byPipeline.set(pipeline, this.executingOf(pipeline) + delta);
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

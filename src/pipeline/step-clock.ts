import type { StepTiming } from "../store/run-store.js";

/** Timings per step of a run (pull, services, test, actions), as stored on the run. */
export class StepClock {
  private readonly steps: Record<string, StepTiming>;

  constructor(
    initial: Record<string, StepTiming> = {},
    private readonly now: () => Date = () => new Date(),
  ) {
    this.steps = { ...initial };
  }

  start(step: string): void {
    this.steps[step] = { startedAt: this.now().toISOString() };
  }

  finish(step: string): void {
    const timing = this.steps[step];
    if (!timing || timing.finishedAt) return;
    const finishedAt = this.now();
    timing.finishedAt = finishedAt.toISOString();
    timing.ms = finishedAt.getTime() - new Date(timing.startedAt).getTime();
  }

  /** Ends every step still open (a run that stopped midway). */
  finishAll(): void {
    Object.keys(this.steps).forEach((step) => this.finish(step));
  }

  /** From the start of the pull to the end of the test. */
  durationMs(): number {
    const start = this.steps.pull?.startedAt;
    const end = this.steps.test?.finishedAt ?? this.now().toISOString();
    return start ? Math.max(0, new Date(end).getTime() - new Date(start).getTime()) : 0;
  }

  snapshot(): Record<string, StepTiming> {
    return structuredClone(this.steps);
  }
}

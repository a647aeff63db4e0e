import { isFinal } from "../../pipeline/run-states.js";
import type { RunRecord, StepTiming } from "../../store/run-store.js";
import { describeDuration } from "./describe-duration.js";
import { describeTime, type TimeView } from "./describe-time.js";

/** One step of a run's life on its page. */
export interface TimelineStep {
  name: string;
  /** How long it took, or has taken so far; null when unknown. */
  duration: string | null;
  running: boolean;
  started: TimeView;
}

/** Steps in the order a run goes through them; any other recorded step follows. */
const ORDER = ["pull", "services", "test", "actions"];

/**
 * A run's steps with their durations: the time it waited in the queue, then each step it
 * recorded (pull, services, test, actions). A step without an end is running while the run
 * is unfinished, and was cut short when the run ended.
 */
export function runTimeline(run: RunRecord, now: Date): TimelineStep[] {
  const final = isFinal(run.state);
  const pullStart = run.steps.pull?.startedAt;
  const queueEnd = pullStart ? new Date(pullStart) : (run.finishedAt ?? now);
  const steps: TimelineStep[] = [
    {
      name: "queued",
      duration: describeDuration(queueEnd.getTime() - run.createdAt.getTime()),
      running: run.state === "queued",
      started: describeTime(run.createdAt, now),
    },
  ];
  // Parts of a step ("test.create", "test.wait"...) are for the API, not the page.
  const names = [
    ...ORDER.filter((name) => run.steps[name]),
    ...Object.keys(run.steps).filter((name) => !ORDER.includes(name) && !name.includes(".")),
  ];
  for (const name of names) {
    const timing = run.steps[name] as StepTiming;
    const started = new Date(timing.startedAt);
    const open = timing.ms === undefined;
    steps.push({
      name,
      duration:
        timing.ms !== undefined
          ? describeDuration(timing.ms)
          : final
            ? null
            : describeDuration(now.getTime() - started.getTime()),
      running: open && !final,
      started: describeTime(started, now),
    });
  }
  return steps;
}

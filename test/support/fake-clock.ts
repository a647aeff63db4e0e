import type { Clock } from "../../src/actions/clock.js";

/** A clock whose sleeps return at once and move time forward; it remembers each sleep. */
export function fakeClock(start = new Date("2026-01-01T00:00:00Z")): Clock & { sleeps: number[] } {
  let now = start.getTime();
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date(now),
    sleep: (ms, signal) => {
      if (signal.aborted) return Promise.reject(signal.reason as Error);
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

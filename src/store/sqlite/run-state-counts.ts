import type { RunState } from "../../pipeline/run-states.js";

/**
 * How many runs are in each state, read from the store once and then kept exact by the
 * connection's own writes, so the backlog check on every webhook costs nothing however long
 * the queue is. A commit by any other connection changes SQLite's `PRAGMA data_version`;
 * the counts are then read again.
 */
export class RunStateCounts {
  private readonly counts = new Map<RunState, number>();
  private version: number | undefined;

  constructor(
    private readonly dataVersion: () => number,
    private readonly read: (state: RunState) => number,
  ) {}

  get(state: RunState): number {
    const version = this.dataVersion();
    if (version !== this.version) {
      this.counts.clear();
      this.version = version;
    }
    let count = this.counts.get(state);
    if (count === undefined) {
      count = this.read(state);
      this.counts.set(state, count);
    }
    return count;
  }

  /** `n` runs this connection moved from one state (none: new runs) to another. */
  moved(from: RunState | undefined, to: RunState, n = 1): void {
    if (from === to || n === 0) return;
    if (from !== undefined) this.adjust(from, -n);
    this.adjust(to, n);
  }

  private adjust(state: RunState, delta: number): void {
    const count = this.counts.get(state);
    if (count !== undefined) this.counts.set(state, count + delta);
  }
}

import type { AcceptItem, AcceptOptions, AcceptOutcome } from "./run-store.js";

/** One delivery given to RunStore.accept: its items and what it asked besides. */
export interface Delivery {
  items: readonly AcceptItem[];
  options: AcceptOptions;
}

/**
 * Writes one or more deliveries in one transaction, in order: the outcomes of each
 * delivery's items, in the deliveries' order.
 */
export type WriteDeliveries = (
  deliveries: readonly Delivery[],
  now: Date,
) => Promise<AcceptOutcome[][]>;

/** True when a delivery's runs, one per pipeline of each item, would take `queued` past `backlog`. */
export function overBacklog(
  queued: number,
  items: readonly AcceptItem[],
  backlog: number,
): boolean {
  return queued + items.reduce((n, item) => n + item.pipelines.length, 0) > backlog;
}

/** The outcomes of a delivery refused for the backlog: nothing of it was written. */
export function refused(items: readonly AcceptItem[], backlog: number): AcceptOutcome[] {
  return items.map(() => ({ kind: "backlog-full", backlog }));
}

/** The runs a delivery's outcomes say were written. */
export function runsWritten(outcomes: readonly AcceptOutcome[]): number {
  return outcomes.reduce((n, o) => n + (o.kind === "recorded" ? o.runIds.length : 0), 0);
}

interface Waiting extends Delivery {
  now: Date;
  resolve: (outcomes: AcceptOutcome[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Records the deliveries that arrive together in one transaction, so one fsync makes many
 * webhooks durable at once. Each caller still gets its answer only after its own records
 * are committed. Deliveries wait at most one turn of the event loop, or while the batch
 * before theirs is being written: batches are written one at a time, in the order they
 * came. If a batch fails, each delivery in it is written on its own, so one delivery's
 * failure is never another's.
 */
export class GroupCommit {
  private waiting: Waiting[] = [];
  private scheduled = false;
  /** The batch being written: the next waits for it. */
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly write: WriteDeliveries) {}

  accept(
    items: readonly AcceptItem[],
    now: Date,
    options: AcceptOptions = {},
  ): Promise<AcceptOutcome[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ items, options, now, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.writing = this.writing.then(() => this.flush());
        });
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    this.scheduled = false;
    if (batch.length === 1) {
      await this.writeAlone(batch[0]);
      return;
    }
    let outcomes: AcceptOutcome[][];
    try {
      outcomes = await this.write(batch, batch[0]?.now ?? new Date());
    } catch {
      for (const waiting of batch) await this.writeAlone(waiting);
      return;
    }
    batch.forEach((waiting, i) => waiting.resolve(outcomes[i] ?? []));
  }

  private async writeAlone(waiting: Waiting | undefined): Promise<void> {
    if (!waiting) return;
    try {
      const [outcomes] = await this.write([waiting], waiting.now);
      waiting.resolve(outcomes ?? []);
    } catch (error) {
      waiting.reject(error);
    }
  }
}

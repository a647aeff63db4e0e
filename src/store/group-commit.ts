import type { AcceptItem, AcceptOutcome } from "./run-store.js";

/** Writes the items of one or more deliveries in one transaction, in order. */
export type WriteDeliveries = (items: readonly AcceptItem[], now: Date) => Promise<AcceptOutcome[]>;

interface Waiting {
  items: readonly AcceptItem[];
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

  accept(items: readonly AcceptItem[], now: Date): Promise<AcceptOutcome[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ items, now, resolve, reject });
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
    let outcomes: AcceptOutcome[];
    try {
      outcomes = await this.write(
        batch.flatMap((w) => w.items),
        batch[0]?.now ?? new Date(),
      );
    } catch {
      for (const waiting of batch) await this.writeAlone(waiting);
      return;
    }
    let offset = 0;
    for (const waiting of batch) {
      waiting.resolve(outcomes.slice(offset, offset + waiting.items.length));
      offset += waiting.items.length;
    }
  }

  private async writeAlone(waiting: Waiting | undefined): Promise<void> {
    if (!waiting) return;
    try {
      waiting.resolve(await this.write(waiting.items, waiting.now));
    } catch (error) {
      waiting.reject(error);
    }
  }
}

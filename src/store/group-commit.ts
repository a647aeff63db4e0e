import type { AcceptItem, AcceptOutcome, RunStore } from "./run-store.js";

interface Waiting {
  items: readonly AcceptItem[];
  now: Date;
  resolve: (outcomes: AcceptOutcome[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Records the deliveries that arrive together in one transaction, so one fsync makes many
 * webhooks durable at once. Each caller still gets its answer only after its own records
 * are committed. Deliveries wait at most one turn of the event loop: the batch is written
 * as soon as the pending I/O has been read. If a batch fails, each delivery in it is
 * written on its own, so one delivery's failure is never another's.
 */
export class GroupCommit {
  private waiting: Waiting[] = [];
  private scheduled = false;

  constructor(private readonly store: Pick<RunStore, "accept">) {}

  accept(items: readonly AcceptItem[], now: Date): Promise<AcceptOutcome[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ items, now, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.waiting;
    this.waiting = [];
    this.scheduled = false;
    if (batch.length === 1) {
      this.writeAlone(batch[0]);
      return;
    }
    let outcomes: AcceptOutcome[];
    try {
      outcomes = this.store.accept(
        batch.flatMap((w) => w.items),
        batch[0]?.now ?? new Date(),
      );
    } catch {
      batch.forEach((waiting) => this.writeAlone(waiting));
      return;
    }
    let offset = 0;
    for (const waiting of batch) {
      waiting.resolve(outcomes.slice(offset, offset + waiting.items.length));
      offset += waiting.items.length;
    }
  }

  private writeAlone(waiting: Waiting | undefined): void {
    if (!waiting) return;
    try {
      waiting.resolve(this.store.accept(waiting.items, waiting.now));
    } catch (error) {
      waiting.reject(error);
    }
  }
}

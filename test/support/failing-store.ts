import Database from "better-sqlite3";
import type { RunStore } from "../../src/store/run-store.js";
import { StoreUnavailableError } from "../../src/store/store-unavailable-error.js";

/** The store's methods that write. */
const WRITES = new Set<keyof RunStore>([
  "accept",
  "transition",
  "retry",
  "saveOutput",
  "setQueuePaused",
  "planActions",
  "recordActionAttempt",
  "updateAction",
]);

/**
 * A store whose writes fail as on a full disk (SQLITE_FULL, nothing written: the store
 * rejects with StoreUnavailableError) when told to; reads always work. Passed where the real
 * store goes, in its place.
 */
export class FailingStore {
  readonly store: RunStore;
  private readonly pending = new Map<keyof RunStore, number>();
  private full = false;

  constructor(real: RunStore) {
    this.store = new Proxy(real, {
      get: (target, property) => {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== "function") return value;
        return (...args: unknown[]): unknown => {
          if (this.fails(property as keyof RunStore)) {
            const full = new Database.SqliteError("database or disk is full", "SQLITE_FULL");
            return Promise.reject(new StoreUnavailableError(full));
          }
          return (value as (...args: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  /** The next `times` calls of one write fail. */
  failNext(method: keyof RunStore, times = 1): void {
    this.pending.set(method, (this.pending.get(method) ?? 0) + times);
  }

  /** Every write fails from now on, until free(). */
  fill(): void {
    this.full = true;
  }

  free(): void {
    this.full = false;
  }

  private fails(method: keyof RunStore): boolean {
    if (!WRITES.has(method)) return false;
    const left = this.pending.get(method) ?? 0;
    if (left > 0) this.pending.set(method, left - 1);
    return this.full || left > 0;
  }
}

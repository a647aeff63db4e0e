import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Worker } from "node:worker_threads";
import type { AcceptOutcome, RunStore } from "../run-store.js";
import { StoreUnavailableError } from "../store-unavailable-error.js";
import { lockSqliteFile, type FileLock } from "./lock-sqlite-file.js";
import {
  threadError,
  type AcceptArgs,
  type AcceptCall,
  type AcceptResult,
  type StoreAnswer,
  type StoreCall,
  type StoreMethod,
  type StoreThreadData,
} from "./store-thread-messages.js";

interface Waiting {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Accepting {
  args: AcceptArgs;
  resolve: (outcomes: AcceptOutcome[]) => void;
  reject: (error: unknown) => void;
}

const unavailable = (cause: Error): Error => new StoreUnavailableError(cause);

/**
 * The SQLite store as pushgate's server runs it: the file's connection lives in a thread of
 * its own (sqlite-store-thread.ts), so SQLite's work and its syncs to disk never hold up the
 * event loop that answers webhooks and follows tests. Every method of the SqliteRunStore is
 * forwarded by name, whatever methods it has, and run in that thread one call after the
 * other in the order they were made; each resolves once it is done there: a write once it
 * is committed and synced (synchronous = FULL), so a delivery is durable before its 202 and
 * a state change before it is acted on, as before. A delivery given to accept while the
 * thread owes no delivery an answer goes at once; the others given in the same turn of the
 * event loop (webhooks read together) go at its end as one message and share one commit, as
 * do those arriving there while a commit is under way (GroupCommit).
 */
export class SqliteThreadStore {
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  /** Deliveries given to accept in this turn of the event loop, sent together at its end. */
  private accepting: Accepting[] = [];
  /** Messages of deliveries the thread has not answered yet. */
  private acceptsInFlight = 0;
  /** Why calls are refused now: the store was closed, or its thread stopped. */
  private gone: string | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly lock: FileLock | undefined,
  ) {
    worker.on("message", (message: StoreAnswer) => this.answered(message));
    worker.on("error", (error) => this.stopped(`its thread failed: ${error.message}`));
    worker.on("exit", (code) => this.stopped(`its thread exited (${code})`));
    worker.unref();
  }

  /**
   * Opens the file at `path` in a new thread: migrated, ready for calls. `exclusive` holds the
   * file's lock until closed (a second pushgate on it refuses to start: StoreInUseError).
   */
  static async open(path: string, options: { exclusive?: boolean } = {}): Promise<RunStore> {
    // The file's folder first, as SqliteRunStore makes it: the lock file goes beside it.
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    const lock = options.exclusive && path !== ":memory:" ? lockSqliteFile(path) : undefined;
    const thread = new SqliteThreadStore(startThread({ path }), lock);
    // The thread's first answer (id 0): the store opened, and the names of its methods.
    const started = new Promise<unknown>((resolve, reject) => {
      thread.waiting.set(0, { resolve, reject });
      thread.worker.ref();
    });
    try {
      return thread.forwarding((await started) as StoreMethod[]);
    } catch (error) {
      thread.gone = "the store did not open";
      await thread.worker.terminate();
      lock?.release();
      throw error;
    }
  }

  /**
   * The RunStore seen by the rest of pushgate: each method the thread's store has, as a call
   * to the thread, and close. The thread runs a SqliteRunStore, which implements RunStore:
   * the names it sent cover every method of the contract.
   */
  private forwarding(methods: readonly StoreMethod[]): RunStore {
    const store: Record<string, unknown> = {};
    for (const method of methods) {
      store[method] = (...args: Parameters<RunStore[typeof method]>) => this.call(method, args);
    }
    store.accept = (...args: AcceptArgs) => this.accept(args);
    store.close = () => this.close();
    return store as unknown as RunStore;
  }

  private call<M extends StoreMethod>(method: M, args: Parameters<RunStore[M]>): Promise<unknown> {
    // Calls reach the thread in the order they were made: deliveries given before go first.
    this.sendAccepts();
    return this.send((id) => ({ id, method, args }) satisfies StoreCall<M>);
  }

  private accept(args: AcceptArgs): Promise<AcceptOutcome[]> {
    if (this.gone !== undefined) {
      return Promise.reject(new StoreUnavailableError(new Error(this.gone)));
    }
    return new Promise((resolve, reject) => {
      this.accepting.push({ args, resolve, reject });
      // The thread free: this delivery goes now, and its commit overlaps the reading of the
      // next webhooks; else those of this turn go together at its end, for the next commit.
      if (this.acceptsInFlight === 0) this.sendAccepts();
      else if (this.accepting.length === 1) setImmediate(() => this.sendAccepts());
    });
  }

  /** The deliveries gathered so far, in one message; each gets its own outcomes or error. */
  private sendAccepts(): void {
    if (this.accepting.length === 0) return;
    const batch = this.accepting;
    this.accepting = [];
    this.acceptsInFlight += 1;
    this.send((id) => ({ id, accepts: batch.map((a) => a.args) }) satisfies AcceptCall)
      .finally(() => {
        this.acceptsInFlight -= 1;
      })
      .then(
        (value) =>
          (value as AcceptResult[]).forEach((result, i) => {
            const accepting = batch[i];
            if ("error" in result) accepting?.reject(threadError(result.error, unavailable));
            else accepting?.resolve(result.outcomes);
          }),
        (error: unknown) => batch.forEach((a) => a.reject(error)),
      );
  }

  private send(message: (id: number) => StoreCall | AcceptCall): Promise<unknown> {
    if (this.gone !== undefined) {
      return Promise.reject(new StoreUnavailableError(new Error(this.gone)));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // The thread keeps the process alive only while it owes an answer.
      if (this.waiting.size === 1) this.worker.ref();
      this.worker.postMessage(message(id));
    });
  }

  private answered(message: StoreAnswer): void {
    const waiting = this.waiting.get(message.id);
    if (!waiting) return;
    this.waiting.delete(message.id);
    if (this.waiting.size === 0) this.worker.unref();
    if ("error" in message) waiting.reject(threadError(message.error, unavailable));
    else waiting.resolve(message.value);
  }

  /** The thread is gone: every call waiting, and every call after, is refused. */
  private stopped(reason: string): void {
    this.gone ??= `the store is unavailable: ${reason}`;
    for (const waiting of this.waiting.values()) {
      waiting.reject(new StoreUnavailableError(new Error(this.gone)));
    }
    this.waiting.clear();
    this.lock?.release();
  }

  /** Closes the file in its thread, ends the thread and lets the file's lock go. */
  private async close(): Promise<void> {
    if (this.gone !== undefined) return;
    try {
      await this.call("close", []);
    } finally {
      this.gone = "the store is closed";
      await this.worker.terminate();
      this.lock?.release();
    }
  }
}

/**
 * The thread, from the compiled sqlite-store-thread.js beside this file; when pushgate runs
 * from its TypeScript sources (tests, tsx), from the .ts file through tsx, as the process.
 */
function startThread(data: StoreThreadData): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) {
    return new Worker(new URL("./sqlite-store-thread.js", here), { workerData: data });
  }
  const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const entry = JSON.stringify(new URL("./sqlite-store-thread.ts", here).href);
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${entry}); })`, {
    eval: true,
    workerData: data,
  });
}

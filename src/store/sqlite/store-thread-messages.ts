import type { AcceptOutcome, RunStore } from "../run-store.js";

/** The store's methods a thread may be asked to run (close included). */
export type StoreMethod = keyof RunStore;

/** What the SQLite store's thread is started with. */
export interface StoreThreadData {
  path: string;
}

/** A call to the store's thread: a method of the store and its arguments, by name. */
export interface StoreCall<M extends StoreMethod = StoreMethod> {
  id: number;
  method: M;
  args: Parameters<RunStore[M]>;
}

/** The arguments of one RunStore.accept call. */
export type AcceptArgs = Parameters<RunStore["accept"]>;

/**
 * The deliveries given to accept in one turn of the other side's event loop, sent as one
 * call: the thread accepts them together (they share a commit) and answers an AcceptResult
 * for each, in order.
 */
export interface AcceptCall {
  id: number;
  accepts: AcceptArgs[];
}

/** What became of one delivery of an AcceptCall. */
export type AcceptResult = { outcomes: AcceptOutcome[] } | { error: ThreadError };

/** An error as it crosses from the thread: enough to throw the same error again. */
export interface ThreadError {
  name: string;
  message: string;
  code?: string;
  /** It was a StoreUnavailableError: `message` is its cause's. */
  unavailable: boolean;
}

/**
 * The answer to a call (its id): a value, or an error. The answer to the start (id 0) is
 * the store's method names: every one of them is forwarded, whatever methods the store has.
 */
export type StoreAnswer = { id: number; value: unknown } | { id: number; error: ThreadError };

/** Describes an error thrown in the thread, to be thrown again by threadError(). */
export function describeError(error: unknown, unavailable: boolean): ThreadError {
  const cause = unavailable && error instanceof Error ? error.cause : error;
  const code = (cause as { code?: unknown } | null)?.code;
  return {
    name: cause instanceof Error ? cause.name : "Error",
    message: cause instanceof Error ? cause.message : String(cause),
    ...(typeof code === "string" ? { code } : {}),
    unavailable,
  };
}

/** The error a call failed with in the thread, as the same kind of error here. */
export function threadError(described: ThreadError, unavailable: (cause: Error) => Error): Error {
  const cause = Object.assign(new Error(described.message), {
    name: described.name,
    ...(described.code !== undefined ? { code: described.code } : {}),
  });
  return described.unavailable ? unavailable(cause) : cause;
}

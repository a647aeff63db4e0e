/** The store could not be read or written; senders get 503 and may retry. */
export class StoreUnavailableError extends Error {
  readonly code = "STORE_UNAVAILABLE";

  constructor(cause: unknown) {
    super(`store unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = "StoreUnavailableError";
  }
}

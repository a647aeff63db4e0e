import type { PushEvent } from "./push-event.js";

/** What a route hands a source: the request as plain data, nothing of Express. */
export interface SourceRequest {
  headers: Readonly<Record<string, string | undefined>>;
  /** The parsed JSON body. */
  body: unknown;
  /** The exact bytes received, for signature checks. */
  rawBody: Buffer;
}

/** The push events a delivery announced, and a note for each part it ignored. */
export interface SourceResult {
  events: PushEvent[];
  ignored: string[];
}

/** Turns one vendor's payload into push events; throws PayloadError for a bad payload. */
export type ParseSource = (request: SourceRequest) => SourceResult;

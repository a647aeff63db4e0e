import type { ActionAttempt } from "../store/run-store.js";
import type { Clock } from "./clock.js";
import {
  TransportError,
  headerOf,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
} from "./http-client.js";

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Wait after the first failure; doubled after each further one. */
  backoffMs: number;
  maxBackoffMs: number;
}

export interface RetryDependencies {
  http: HttpClient;
  clock: Clock;
  /** In [0, 1): spreads retries of many runs so they do not hit a recovering server at once. */
  random: () => number;
}

/**
 * Worth another try: no answer at all (timeout, refused, reset, unreachable), a 5xx, 408
 * or 429. Any other 4xx is the request's own fault and would fail the same way again.
 */
export function isRetryable(outcome: HttpResponse | TransportError): boolean {
  if (outcome instanceof TransportError) return outcome.failure !== "aborted";
  return outcome.status >= 500 || outcome.status === 408 || outcome.status === 429;
}

/**
 * The wait after failed try number `failed` (1-based): exponential, capped, with "equal
 * jitter" (between half and all of the step). A Retry-After the server sent is honoured up
 * to the cap.
 */
export function backoffDelay(
  failed: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfterMs?: number,
): number {
  const step = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (failed - 1));
  const jittered = Math.round(step / 2 + (random() * step) / 2);
  return retryAfterMs === undefined
    ? jittered
    : Math.max(jittered, Math.min(retryAfterMs, policy.maxBackoffMs));
}

/** A 429's `retry_after` in its JSON body, in seconds (Discord's, to the millisecond). */
function bodyRetryAfterMs(response: HttpResponse): number | undefined {
  if (response.status !== 429 || !response.body.trimStart().startsWith("{")) return undefined;
  try {
    const value = (JSON.parse(response.body) as { retry_after?: unknown }).retry_after;
    return typeof value === "number" && value >= 0 ? Math.ceil(value * 1000) : undefined;
  } catch {
    return undefined;
  }
}

/** How long the server asked for: Retry-After (seconds or a date) or a 429's retry_after, the longer. */
function retryAfterMs(response: HttpResponse): number | undefined {
  const value = headerOf(response, "retry-after")?.trim();
  let header: number | undefined;
  if (value !== undefined && /^\d+(\.\d+)?$/.test(value)) header = Math.ceil(Number(value) * 1000);
  else if (value !== undefined && !Number.isNaN(Date.parse(value))) {
    header = Math.max(0, Date.parse(value) - Date.now());
  }
  const body = bodyRetryAfterMs(response);
  if (header === undefined) return body;
  return body === undefined ? header : Math.max(header, body);
}

/** Whether an answer ends the call although its status is worth another try. */
export type IsFinal = (response: HttpResponse) => boolean | Promise<boolean>;

/**
 * Sends `request` up to `policy.attempts` times while the outcome is retryable and not
 * `isFinal`, telling `onAttempt` of each try. Returns the last answer, whatever its status (a
 * 503 after the last try included); throws the last TransportError when no try got an
 * answer, and at once when the request's signal aborts.
 */
export async function sendWithRetry(
  deps: RetryDependencies,
  request: HttpRequest,
  policy: RetryPolicy,
  onAttempt?: (attempt: ActionAttempt) => void | Promise<void>,
  isFinal?: IsFinal,
): Promise<HttpResponse> {
  for (let attempt = 1; ; attempt++) {
    const started = deps.clock.now();
    let outcome: HttpResponse | TransportError;
    try {
      outcome = await deps.http.send(request);
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      outcome = error;
    }
    const ms = deps.clock.now().getTime() - started.getTime();
    await onAttempt?.({
      at: started.toISOString(),
      ms,
      ...(outcome instanceof TransportError
        ? { error: outcome.message }
        : { status: outcome.status }),
    });
    if (outcome instanceof TransportError && outcome.failure === "aborted") throw outcome;
    if (!isRetryable(outcome) || attempt >= policy.attempts) {
      if (outcome instanceof TransportError) throw outcome;
      return outcome;
    }
    if (!(outcome instanceof TransportError) && isFinal && (await isFinal(outcome))) return outcome;
    const hint = outcome instanceof TransportError ? undefined : retryAfterMs(outcome);
    await deps.clock.sleep(backoffDelay(attempt, policy, deps.random, hint), request.signal);
  }
}

import type { Logger } from "../observability/logger.js";
import type { RunOutcome } from "../pipeline/outcome.js";
import type { ActionAttempt, ActionRecord, ActionUpdate } from "../store/run-store.js";
import type { Clock } from "./clock.js";
import type { HttpMethod, HttpResponse } from "./http-client.js";
import type { IsFinal, RetryPolicy } from "./send-with-retry.js";

/** An outbound call as an action writes it; timeout, signal and run id headers are added. */
export interface OutboundRequest {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface SendOptions {
  /** Store each try in the action's history (default); polls are not worth a line each. */
  record?: boolean;
  /** Overrides of the configured retry policy (callbacks try less). */
  policy?: Partial<RetryPolicy>;
  /** Answers that end the call though their status is retried (Jenkins' "not parameterized" 500). */
  final?: IsFinal;
}

/** Sends with the shared retry policy; throws ActionError when no try got an answer. */
export type Send = (request: OutboundRequest, options?: SendOptions) => Promise<HttpResponse>;

/** What one step (an action, a commit status, a promotion) is given to do its work. */
export interface StepCall {
  runId: string;
  /** The step as stored: a resumed run reads from it what was already done. */
  record: ActionRecord;
  send: Send;
  /** Durably records progress that must survive a restart (a build Jenkins accepted). */
  save(update: Omit<ActionUpdate, "error">): Promise<void>;
  policy: RetryPolicy;
  clock: Clock;
  signal: AbortSignal;
  logger: Logger;
  /** Appends one try made other than by `send` (a push to a registry) to the step's history. */
  recordAttempt(attempt: ActionAttempt): Promise<void>;
}

/** What one outcome action is given: a step's call, and the outcome it acts on. */
export interface ActionCall extends StepCall {
  outcome: RunOutcome;
}

/** How an action ended when it did not throw. */
export interface ActionReport {
  state: "done" | "refused";
  /** Why it was refused. */
  error?: string;
  result?: Record<string, unknown>;
}

/** An action failed for a reason worth recording as is ("HTTP 404: job web not found"). */
export class ActionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ActionError";
  }
}

export type ExecuteAction<Spec> = (call: ActionCall, spec: Spec) => Promise<ActionReport>;

/** The origin of a URL (scheme, host, port): what may be shown of an action's target. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(invalid URL)";
  }
}

/** A link to a run's page on the dashboard, for people, when pushgate knows the URL it is reached at. */
export function runLinkOf(publicUrl: string | undefined, runId: string): string | undefined {
  return publicUrl ? `${publicUrl.replace(/\/+$/, "")}/runs/${runId}` : undefined;
}

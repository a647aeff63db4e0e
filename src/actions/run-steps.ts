import type { ActionsConfig } from "../config/config.js";
import type { Logger } from "../observability/logger.js";
import type { ActionAttempt, ActionRecord, PlannedAction, RunStore } from "../store/run-store.js";
import { ActionError, type ActionReport, type Send, type StepCall } from "./action-call.js";
import type { Clock } from "./clock.js";
import { TransportError, type HttpClient } from "./http-client.js";
import { sendWithRetry, type RetryPolicy } from "./send-with-retry.js";

/** One recorded step of a run: an outcome action, a commit status, a promotion. */
export interface RunStep extends PlannedAction {
  /** Longest wait for each of its calls; actions.timeout when unset. */
  timeoutMs?: number;
  /** Set: there is nothing to do; the step is recorded skipped, saying why. */
  skip?: string;
  /** Recorded now, run by a later call (a commit status of how the run ends, planned when its test starts). */
  planOnly?: boolean;
  /** The id of a step that must be done first; when it is not, this one fails unsent. */
  needs?: { id: string; reason: string };
  execute(call: StepCall): Promise<ActionReport>;
}

export interface RunStepsDependencies {
  http: HttpClient;
  store: RunStore;
  actions: ActionsConfig;
  logger: Logger;
  clock: Clock;
  random: () => number;
  /** Masks configured secrets in what is stored (errors, results). */
  redact: (text: string) => string;
}

/** Steps in these states are not run again. */
export const FINAL_STEP_STATES = new Set(["done", "failed", "refused", "skipped"]);

/** Plans `steps` durably, then runs those not final in order; see createRunSteps. */
export type RunSteps = (
  runId: string,
  steps: readonly RunStep[],
  signal: AbortSignal,
) => Promise<void>;

/**
 * The machinery every outbound step shares: steps are recorded as pending (a run resumed
 * after a restart keeps what it has) before any is sent, run one after another, each try
 * stored, every call with a timeout, retried on 5xx, 408, 429 and transport failures with
 * backoff, secrets masked in what is stored. A failed step never throws; an abort (shutdown)
 * leaves unfinished steps pending for the next start and rejects with the signal's reason.
 */
export function createRunSteps(deps: RunStepsDependencies): RunSteps {
  const { store, clock, redact } = deps;
  const policy: RetryPolicy = {
    attempts: deps.actions.attempts,
    backoffMs: deps.actions.backoffMs,
    maxBackoffMs: deps.actions.maxBackoffMs,
  };

  const runOne = async (
    runId: string,
    step: RunStep,
    record: ActionRecord,
    signal: AbortSignal,
  ): Promise<void> => {
    const logger = deps.logger.child({ runId, action: step.id, kind: step.kind });
    // Tries of the last call that failed (no answer, or 4xx/5xx): what an error describes. A
    // call that succeeded after it (a look at the job to explain a refusal) does not count.
    let failedCallAttempts = 0;
    const recordAttempt = async (attempt: ActionAttempt): Promise<void> => {
      const safe = attempt.error ? { ...attempt, error: redact(attempt.error) } : attempt;
      await store.recordActionAttempt(runId, step.id, safe, clock.now());
    };
    const send: Send = async (request, options = {}) => {
      let attempts = 0;
      const onAttempt = async (attempt: ActionAttempt): Promise<void> => {
        attempts += 1;
        if (options.record !== false) await recordAttempt(attempt);
      };
      const full = {
        ...request,
        headers: {
          "user-agent": "pushgate",
          "x-pushgate-run-id": runId,
          "x-pushgate-action": step.id,
          ...request.headers,
        },
        timeoutMs: step.timeoutMs ?? deps.actions.timeoutMs,
        signal,
      };
      try {
        const response = await sendWithRetry(
          { http: deps.http, clock, random: deps.random },
          full,
          { ...policy, ...options.policy },
          onAttempt,
          options.final,
        );
        if (response.status >= 400) failedCallAttempts = attempts;
        return response;
      } catch (error) {
        failedCallAttempts = attempts;
        throw error;
      }
    };
    const call: StepCall = {
      runId,
      record,
      send,
      save: (update) => store.updateAction(runId, step.id, update, clock.now()),
      recordAttempt,
      policy,
      clock,
      signal,
      logger,
    };

    try {
      const report = await step.execute(call);
      await store.updateAction(
        runId,
        step.id,
        {
          state: report.state,
          error: report.error ? redact(report.error) : null,
          ...(report.result ? { result: report.result } : {}),
        },
        clock.now(),
      );
      if (report.state === "done") logger.info("action done", { target: step.target });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const tries = failedCallAttempts > 1 ? ` (after ${failedCallAttempts} attempts)` : "";
      const known = error instanceof ActionError || error instanceof TransportError;
      const message = redact(known ? `${error.message}${tries}` : `unexpected: ${String(error)}`);
      await store.updateAction(runId, step.id, { state: "failed", error: message }, clock.now());
      logger.warn("action failed", { target: step.target, error: message });
    }
  };

  return async (runId, steps, signal) => {
    if (steps.length === 0) return;
    const planned = steps.map(({ id, kind, target }) => ({ id, kind, target }));
    const records = await store.planActions(runId, planned, clock.now());
    const stateOf = new Map(records.map((record) => [record.id, record.state]));
    for (const step of steps) {
      if (signal.aborted) throw signal.reason;
      const record = records.find((r) => r.id === step.id);
      if (!record || FINAL_STEP_STATES.has(record.state) || step.planOnly) continue;
      const unmet = step.needs && stateOf.get(step.needs.id) !== "done";
      if (step.skip !== undefined || unmet) {
        const update =
          step.skip !== undefined
            ? { state: "skipped" as const, error: step.skip }
            : { state: "failed" as const, error: `not sent: ${step.needs?.reason ?? ""}` };
        await store.updateAction(runId, step.id, update, clock.now());
        stateOf.set(step.id, update.state);
        continue;
      }
      await runOne(runId, step, record, signal);
      if (steps.some((later) => later.needs?.id === step.id)) {
        const after = (await store.listActions(runId)).find((r) => r.id === step.id);
        if (after) stateOf.set(step.id, after.state);
      }
    }
  };
}

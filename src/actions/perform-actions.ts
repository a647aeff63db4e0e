import type { Config } from "../config/config.js";
import type { Logger } from "../observability/logger.js";
import type { PerformActions, RunOutcome } from "../pipeline/outcome.js";
import type { ActionAttempt, ActionRecord, RunStore } from "../store/run-store.js";
import { ActionError, type ActionCall, type ActionReport, type Send } from "./action-call.js";
import { systemClock, type Clock } from "./clock.js";
import { createDockerHubCallback } from "./dockerhub-callback.js";
import { TransportError, type HttpClient } from "./http-client.js";
import { JenkinsClient } from "./jenkins-client.js";
import { createNotify } from "./notify.js";
import { planActionsOf, type ActionStep } from "./plan-actions-of.js";
import { redeploy } from "./redeploy.js";
import { sendWithRetry, type RetryPolicy } from "./send-with-retry.js";
import { createTriggerJenkins } from "./trigger-jenkins.js";

export interface PerformActionsDependencies {
  http: HttpClient;
  store: RunStore;
  config: Pick<Config, "jenkins" | "actions" | "callbacks" | "publicUrl">;
  logger: Logger;
  clock?: Clock;
  random?: () => number;
  /** Masks configured secrets in what is stored (errors, results). */
  redact?: (text: string) => string;
}

/** Actions in these states are not run again. */
const FINAL = new Set(["done", "failed", "refused"]);

/** The action's own `timeout`, else `actions.timeout` (callbacks have no setting of their own). */
function timeoutOf(step: ActionStep, fallbackMs: number): number {
  return (step.kind === "callback" ? undefined : step.spec.timeoutMs) ?? fallbackMs;
}

/**
 * Builds PerformActions: plans a run's actions durably (all pending) before sending any,
 * runs them one after another in config order, stores every try and each outcome, and never
 * throws for a failed action. An abort (shutdown) leaves unfinished actions pending for the
 * next start and rejects with the signal's reason.
 */
export function createPerformActions(deps: PerformActionsDependencies): PerformActions {
  const { store, config } = deps;
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? Math.random;
  const redact = deps.redact ?? ((text: string) => text);
  const policy: RetryPolicy = {
    attempts: config.actions.attempts,
    backoffMs: config.actions.backoffMs,
    maxBackoffMs: config.actions.maxBackoffMs,
  };
  const jenkins = createTriggerJenkins(config.jenkins && new JenkinsClient(config.jenkins));
  const notify = createNotify(config.publicUrl);
  const callback = createDockerHubCallback({
    allowedHosts: config.callbacks.allowedHosts,
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
  });

  const execute = (call: ActionCall, step: ActionStep): Promise<ActionReport> => {
    switch (step.kind) {
      case "jenkins":
        return jenkins(call, step.spec);
      case "redeploy":
        return redeploy(call, step.spec);
      case "slack":
        return notify.slack(call, step.spec);
      case "webhook":
        return notify.webhook(call, step.spec);
      case "callback":
        return callback(call, step.spec);
    }
  };

  const runOne = async (
    outcome: RunOutcome,
    step: ActionStep,
    record: ActionRecord,
    signal: AbortSignal,
  ): Promise<void> => {
    const runId = outcome.run.id;
    const logger = deps.logger.child({ runId, action: step.id, kind: step.kind });
    // Tries of the last call that failed (no answer, or 4xx/5xx): what an error describes. A
    // call that succeeded after it (a look at the job to explain a refusal) does not count.
    let failedCallAttempts = 0;
    const send: Send = async (request, options = {}) => {
      let attempts = 0;
      const onAttempt = async (attempt: ActionAttempt): Promise<void> => {
        attempts += 1;
        if (options.record === false) return;
        const safe = attempt.error ? { ...attempt, error: redact(attempt.error) } : attempt;
        await store.recordActionAttempt(runId, step.id, safe, clock.now());
      };
      const full = {
        ...request,
        headers: {
          "user-agent": "pushgate",
          "x-pushgate-run-id": runId,
          "x-pushgate-action": step.id,
          ...request.headers,
        },
        timeoutMs: timeoutOf(step, config.actions.timeoutMs),
        signal,
      };
      try {
        const response = await sendWithRetry(
          { http: deps.http, clock, random },
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
    const call: ActionCall = {
      outcome,
      record,
      send,
      save: (update) => store.updateAction(runId, step.id, update, clock.now()),
      policy,
      clock,
      signal,
      logger,
    };

    try {
      const report = await execute(call, step);
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

  return async (outcome, signal) => {
    const steps = planActionsOf(outcome);
    if (steps.length === 0) return;
    const planned = steps.map(({ id, kind, target }) => ({ id, kind, target }));
    const records = await store.planActions(outcome.run.id, planned, clock.now());
    for (const step of steps) {
      if (signal.aborted) throw signal.reason;
      const record = records.find((r) => r.id === step.id);
      if (!record || FINAL.has(record.state)) continue;
      await runOne(outcome, step, record, signal);
    }
  };
}

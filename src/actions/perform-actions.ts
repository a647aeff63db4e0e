import type { Config } from "../config/config.js";
import type { Logger } from "../observability/logger.js";
import type { PerformActions, RunOutcome } from "../pipeline/outcome.js";
import { compileRegistryResolver } from "../pipeline/resolve-registry.js";
import type { RunStore } from "../store/run-store.js";
import { ActionError, type ActionCall, type ActionReport, type StepCall } from "./action-call.js";
import { systemClock, type Clock } from "./clock.js";
import { createDockerHubCallback } from "./dockerhub-callback.js";
import type { HttpClient } from "./http-client.js";
import { JenkinsClient } from "./jenkins-client.js";
import { createNotify } from "./notify.js";
import { planActionsOf, type ActionStep } from "./plan-actions-of.js";
import { promoteStepOf, type Promoter } from "./promote-step.js";
import { redeploy } from "./redeploy.js";
import { createStatusReporter, type StatusReporter } from "./report-statuses.js";
import { createRunSteps, type RunStep, type RunSteps } from "./run-steps.js";
import { statusStepsOf } from "./status-steps.js";
import { createTriggerJenkins } from "./trigger-jenkins.js";

export interface PerformActionsDependencies {
  http: HttpClient;
  store: RunStore;
  config: Pick<
    Config,
    "jenkins" | "actions" | "callbacks" | "publicUrl" | "github" | "gitlab" | "gitea"
  > &
    Partial<Pick<Config, "pipelines" | "registries" | "docker">>;
  logger: Logger;
  /** Pushes promoted tags; without it a pipeline's promote fails saying so. */
  promoter?: Promoter;
  clock?: Clock;
  random?: () => number;
  /** Masks configured secrets in what is stored (errors, results). */
  redact?: (text: string) => string;
}

/** The one place that sends a run's steps, and the commit statuses of its test. */
export interface RunReporting {
  performActions: PerformActions;
  statuses: StatusReporter;
}

function runStepsOf(deps: PerformActionsDependencies): RunSteps {
  return createRunSteps({
    http: deps.http,
    store: deps.store,
    actions: deps.config.actions,
    logger: deps.logger,
    clock: deps.clock ?? systemClock,
    random: deps.random ?? Math.random,
    redact: deps.redact ?? ((text: string) => text),
  });
}

/**
 * Builds what a run's outcome sets off, all through one machinery (createRunSteps: planned
 * before sent, every try recorded, retried, at-least-once, secrets masked): the commit
 * statuses of the verdict first, then for a pass the promotion, then the pipeline's
 * `on.success | on.failure | on.error` in config order (on.success only once the promotion
 * is done: a failed promotion fails them unsent, the verdict standing), then Docker Hub's
 * callback. Never throws for a failed step; an abort (shutdown) leaves unfinished steps
 * pending for the next start and rejects with the signal's reason.
 */
export function createRunReporting(deps: PerformActionsDependencies): RunReporting {
  const { config } = deps;
  const runSteps = runStepsOf(deps);
  const jenkins = createTriggerJenkins(config.jenkins && new JenkinsClient(config.jenkins));
  const notify = createNotify(config.publicUrl);
  const callback = createDockerHubCallback({
    allowedHosts: config.callbacks.allowedHosts,
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
  });
  const registries = config.registries ?? [];
  const resolveRegistry = compileRegistryResolver(registries);
  const statusSettings = {
    ...(config.github ? { github: config.github } : {}),
    ...(config.gitlab ? { gitlab: config.gitlab } : {}),
    ...(config.gitea ? { gitea: config.gitea } : {}),
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
  };

  const execute = (call: ActionCall, step: ActionStep): Promise<ActionReport> => {
    switch (step.kind) {
      case "jenkins":
        return jenkins(call, step.spec);
      case "redeploy":
        return redeploy(call, step.spec);
      case "slack":
        return notify.slack(call, step.spec);
      case "teams":
        return notify.teams(call, step.spec);
      case "discord":
        return notify.discord(call, step.spec);
      case "webhook":
        return notify.webhook(call, step.spec);
      case "callback":
        return callback(call, step.spec);
    }
  };

  const promoteOf = (outcome: RunOutcome): RunStep[] => {
    const spec = outcome.pipeline.promote;
    if (outcome.verdict !== "passed" || !spec) return [];
    if (!deps.promoter) {
      return [
        {
          id: "promote",
          kind: "promote",
          target: spec.repository ?? "the tested repository",
          execute: () => Promise.reject(new ActionError("no Docker engine to push with")),
        },
      ];
    }
    const promote = {
      promoter: deps.promoter,
      store: deps.store,
      registries,
      resolveRegistry,
      timeoutMs: config.docker?.pullTimeoutMs ?? 5 * 60_000,
    };
    return [promoteStepOf(outcome, spec, promote)];
  };

  const performActions: PerformActions = async (outcome, signal) => {
    const { run, pipeline, verdict } = outcome;
    const promote = promoteOf(outcome);
    const needs =
      promote.length > 0 ? { needs: { id: "promote", reason: "the promotion failed" } } : {};
    const actions = planActionsOf(outcome).map((step): RunStep => ({
      id: step.id,
      kind: step.kind,
      target: step.target,
      ...(step.kind !== "callback" && step.spec.timeoutMs !== undefined
        ? { timeoutMs: step.spec.timeoutMs }
        : {}),
      ...(step.kind !== "callback" && step.id.startsWith("success.") ? needs : {}),
      execute: (call: StepCall) => execute({ ...call, outcome }, step),
    }));
    const statuses = statusStepsOf(run, pipeline, verdict, outcome.reason, statusSettings);
    await runSteps(run.id, [...statuses, ...promote, ...actions], signal);
  };

  const statuses = createStatusReporter({
    store: deps.store,
    runSteps,
    pipelines: config.pipelines ?? [],
    settings: statusSettings,
  });
  return { performActions, statuses };
}

/** PerformActions alone (createRunReporting). */
export function createPerformActions(deps: PerformActionsDependencies): PerformActions {
  return createRunReporting(deps).performActions;
}

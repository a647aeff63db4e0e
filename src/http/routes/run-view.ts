import type { ActionRecord, Promotion, RunRecord } from "../../store/run-store.js";
import { imageNameOf } from "../../pipeline/image-name.js";

/** An outcome action as the API shows it: its calls, where it stands and what came back. */
export function actionView(action: ActionRecord): Record<string, unknown> {
  return {
    id: action.id,
    kind: action.kind,
    target: action.target,
    state: action.state,
    attempts: action.attemptCount,
    error: action.error ?? null,
    result: action.result,
    calls: action.attempts,
    updatedAt: action.updatedAt.toISOString(),
  };
}

/** A tag a run promoted: where, the digest tested and the one the registry answered. */
export function promotionView(promotion: Promotion): Record<string, unknown> {
  return {
    image: `${promotion.registry}/${promotion.repository}:${promotion.tag}`,
    registry: promotion.registry,
    repository: promotion.repository,
    tag: promotion.tag,
    digest: promotion.digest,
    pushedDigest: promotion.pushedDigest ?? null,
    promotedAt: promotion.promotedAt.toISOString(),
  };
}

/**
 * A run as the API shows it: plain JSON, times in ISO 8601; with its actions and promotions
 * when given.
 */
export function runView(
  run: RunRecord,
  actions?: readonly ActionRecord[],
  promotions?: readonly Promotion[],
): Record<string, unknown> {
  const { event } = run;
  return {
    id: run.id,
    pipeline: run.pipeline,
    state: run.state,
    reason: run.reason ?? null,
    attempt: run.attempt,
    retryOf: run.retryOf ?? null,
    image: `${imageNameOf(event)}:${event.tag}`,
    imageDigest: run.imageDigest ?? null,
    source: run.source
      ? {
          url: run.source.url ?? null,
          revision: run.source.revision ?? null,
          repository: run.source.repository ?? null,
        }
      : null,
    exitCode: run.exitCode ?? null,
    createdAt: run.createdAt.toISOString(),
    updatedAt: run.updatedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    steps: run.steps,
    event: {
      id: event.id,
      source: event.source,
      registry: event.registry,
      repository: event.repository,
      tag: event.tag,
      digest: event.digest ?? null,
      pushedAt: event.pushedAt.toISOString(),
      pusher: event.pusher ?? null,
      callbackUrl: event.callbackUrl ?? null,
      receivedAt: event.receivedAt.toISOString(),
    },
    ...(actions ? { actions: actions.map(actionView) } : {}),
    ...(promotions ? { promotions: promotions.map(promotionView) } : {}),
  };
}

import type { RunRecord } from "../../store/run-store.js";
import { imageNameOf } from "../../pipeline/image-name.js";

/** A run as the API shows it: plain JSON, times in ISO 8601. */
export function runView(run: RunRecord): Record<string, unknown> {
  const { event } = run;
  return {
    id: run.id,
    pipeline: run.pipeline,
    state: run.state,
    reason: run.reason ?? null,
    attempt: run.attempt,
    image: `${imageNameOf(event)}:${event.tag}`,
    imageDigest: run.imageDigest ?? null,
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
  };
}

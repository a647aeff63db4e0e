import type { Verdict } from "../pipeline/outcome.js";
import type { RunState } from "../pipeline/run-states.js";
import type { SourceName } from "../sources/push-event.js";
import type {
  ActionAttempt,
  ActionRecord,
  ActionState,
  RunRecord,
  RunSource,
  StepTiming,
} from "./run-store.js";

/**
 * A row of `runs` joined with its event, its times and JSON read: what both engines' rows
 * become (PostgreSQL's as node-postgres reads them, SQLite's once parsed).
 */
export interface RunRow {
  id: string;
  pipeline: string;
  state: RunState;
  reason: string | null;
  attempt: number;
  image_digest: string | null;
  /** The tested image's source repository and commit (JSON). */
  image_source: RunSource | null;
  exit_code: number | null;
  verdict: Verdict | null;
  steps: Record<string, StepTiming>;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
  retry_of: string | null;
  lease_owner: string | null;
  lease_engine: string | null;
  lease_until: Date | null;
  event_id: string;
  source: SourceName;
  registry: string;
  repository: string;
  tag: string;
  digest: string | null;
  pushed_at: Date;
  pusher: string | null;
  callback_url: string | null;
  received_at: Date;
}

/** A row as the RunRecord the rest of pushgate reads. */
export function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    pipeline: row.pipeline,
    state: row.state,
    ...(row.reason !== null ? { reason: row.reason } : {}),
    attempt: row.attempt,
    event: {
      id: row.event_id,
      source: row.source,
      registry: row.registry,
      repository: row.repository,
      tag: row.tag,
      ...(row.digest !== null ? { digest: row.digest } : {}),
      pushedAt: row.pushed_at,
      ...(row.pusher !== null ? { pusher: row.pusher } : {}),
      ...(row.callback_url !== null ? { callbackUrl: row.callback_url } : {}),
      receivedAt: row.received_at,
    },
    ...(row.image_digest !== null ? { imageDigest: row.image_digest } : {}),
    ...(row.image_source !== null ? { source: row.image_source } : {}),
    ...(row.exit_code !== null ? { exitCode: row.exit_code } : {}),
    ...(row.verdict !== null ? { verdict: row.verdict } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.finished_at !== null ? { finishedAt: row.finished_at } : {}),
    steps: row.steps,
    ...(row.retry_of !== null ? { retryOf: row.retry_of } : {}),
    ...(row.lease_owner !== null && row.lease_until !== null
      ? {
          holder: {
            owner: row.lease_owner,
            engine: row.lease_engine ?? "",
            until: row.lease_until,
          },
        }
      : {}),
  };
}

/** A row of `run_actions`, its times and JSON read. */
export interface ActionRow {
  run_id: string;
  id: string;
  position: number;
  kind: string;
  target: string;
  state: ActionState;
  attempt_count: number;
  attempts: ActionAttempt[];
  error: string | null;
  result: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

export function toActionRecord(row: ActionRow): ActionRecord {
  return {
    runId: row.run_id,
    id: row.id,
    position: row.position,
    kind: row.kind,
    target: row.target,
    state: row.state,
    attemptCount: row.attempt_count,
    attempts: row.attempts,
    ...(row.error !== null ? { error: row.error } : {}),
    result: row.result,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

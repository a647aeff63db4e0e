import type { Verdict } from "../../pipeline/outcome.js";
import type { RunState } from "../../pipeline/run-states.js";
import type { SourceName } from "../../sources/push-event.js";
import type { RunRecord } from "../run-store.js";

/** A row of `runs` joined with its event, as SELECT_RUN reads it. */
export interface RunRow {
  id: string;
  pipeline: string;
  state: RunState;
  reason: string | null;
  attempt: number;
  image_digest: string | null;
  exit_code: number | null;
  verdict: Verdict | null;
  steps: string;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  retry_of: string | null;
  lease_owner: string | null;
  lease_engine: string | null;
  lease_until: string | null;
  event_id: string;
  source: SourceName;
  registry: string;
  repository: string;
  tag: string;
  digest: string | null;
  pushed_at: string;
  pusher: string | null;
  callback_url: string | null;
  received_at: string;
}

export const SELECT_RUN = `SELECT r.*, e.source, e.registry, e.repository, e.tag, e.digest, e.pushed_at,
  e.pusher, e.callback_url, e.received_at FROM runs r JOIN events e ON e.id = r.event_id`;

/** A row as the RunRecord the rest of pushgate reads. */
export function toRecord(row: RunRow): RunRecord {
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
      pushedAt: new Date(row.pushed_at),
      ...(row.pusher !== null ? { pusher: row.pusher } : {}),
      ...(row.callback_url !== null ? { callbackUrl: row.callback_url } : {}),
      receivedAt: new Date(row.received_at),
    },
    ...(row.image_digest !== null ? { imageDigest: row.image_digest } : {}),
    ...(row.exit_code !== null ? { exitCode: row.exit_code } : {}),
    ...(row.verdict !== null ? { verdict: row.verdict } : {}),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    ...(row.finished_at !== null ? { finishedAt: new Date(row.finished_at) } : {}),
    steps: JSON.parse(row.steps) as RunRecord["steps"],
    ...(row.retry_of !== null ? { retryOf: row.retry_of } : {}),
    ...(row.lease_owner !== null && row.lease_until !== null
      ? {
          holder: {
            owner: row.lease_owner,
            engine: row.lease_engine ?? "",
            until: new Date(row.lease_until),
          },
        }
      : {}),
  };
}

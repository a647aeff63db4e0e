import { imageNameOf } from "../../pipeline/image-name.js";
import { isFinal } from "../../pipeline/run-states.js";
import type { RunRecord } from "../../store/run-store.js";
import { describeTime, type TimeView } from "./describe-time.js";
import { runDuration } from "./run-duration.js";
import { senderName } from "./sender-name.js";
import { shortDigest } from "./short-digest.js";
import { stateLabel, type StateLabel } from "./state-label.js";

/** One run in a list: what the runs page's row and the pipelines page's strip print. */
export interface RunRow {
  id: string;
  href: string;
  state: StateLabel;
  unfinished: boolean;
  pipeline: string;
  /** repository:tag as `docker pull` would name it. */
  image: string;
  /** The digest tested (or announced, before the pull), shortened; null when unknown. */
  digest: string | null;
  digestFull: string | null;
  pusher: string | null;
  sender: string;
  queued: TimeView;
  duration: string | null;
  reason: string | null;
  retryOf: string | null;
}

export function runRow(run: RunRecord, now: Date): RunRow {
  const { event } = run;
  const digest = run.imageDigest ?? event.digest;
  return {
    id: run.id,
    href: `/runs/${run.id}`,
    state: stateLabel(run.state),
    unfinished: !isFinal(run.state),
    pipeline: run.pipeline,
    image: `${imageNameOf(event)}:${event.tag}`,
    digest: shortDigest(digest),
    digestFull: digest ?? null,
    pusher: event.pusher ?? null,
    sender: senderName(event.source),
    queued: describeTime(run.createdAt, now),
    duration: runDuration(run, now),
    reason: run.reason ?? null,
    retryOf: run.retryOf ?? null,
  };
}

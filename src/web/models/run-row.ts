import { imageNameOf } from "../../pipeline/image-name.js";
import { isFinal } from "../../pipeline/run-states.js";
import type { RunRecord } from "../../store/run-store.js";
import { commitLink } from "./commit-link.js";
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
  /** The commit the image was built from (its labels), linked on GitHub and GitLab. */
  revision: RevisionView | null;
  pusher: string | null;
  sender: string;
  queued: TimeView;
  duration: string | null;
  reason: string | null;
  retryOf: string | null;
}

export interface RevisionView {
  /** The commit, shortened as Git shows it. */
  short: string;
  full: string;
  /** The commit's page, when the source is a GitHub or GitLab repository. */
  href: string | null;
  /** The source repository's URL, when the image says it. */
  url: string | null;
}

/** What a run's image says of its source, when it says which commit it was built from. */
export function revisionView(run: RunRecord): RevisionView | null {
  const revision = run.source?.revision;
  if (!revision) return null;
  const url = run.source?.url ?? null;
  return {
    short: /^[0-9a-f]{8,}$/i.test(revision) ? revision.slice(0, 7) : revision,
    full: revision,
    href: (url && commitLink(url, revision)) ?? null,
    url,
  };
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
    revision: revisionView(run),
    pusher: event.pusher ?? null,
    sender: senderName(event.source),
    queued: describeTime(run.createdAt, now),
    duration: runDuration(run, now),
    reason: run.reason ?? null,
    retryOf: run.retryOf ?? null,
  };
}

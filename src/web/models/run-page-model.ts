import { originOf } from "../../actions/action-call.js";
import { isFinal, RUN_STATES } from "../../pipeline/run-states.js";
import type { ActionRecord, RunOutput, RunRecord } from "../../store/run-store.js";
import { actionView, type ActionView } from "./action-view.js";
import { describeTime, type TimeView } from "./describe-time.js";
import { outputView, type OutputView } from "./output-view.js";
import { runRow, type RunRow } from "./run-row.js";
import { runTimeline, type TimelineStep } from "./run-timeline.js";
import { stateLabel, type StateLabel } from "./state-label.js";

/** What a form on the run page did, told once after its redirect (?notice=...). */
const NOTICES = new Map<string, string>(
  Object.entries({
    cancelled: "Cancelled: its test was stopped and its containers removed.",
    "cancel-refused": "Not cancelled: the run had already got past its test.",
    retried: "Queued again as this new run.",
    "retry-refused": "Not retried: only a finished run can be retried.",
    "pipeline-gone": "Not retried: its pipeline is no longer configured.",
  }),
);

export interface RunPage {
  run: RunRow;
  /** passed, failed: exit code 1, errored: manifest unknown... */
  verdict: { state: StateLabel; reason: string | null; exitCode: number | null };
  attempt: number;
  /** The digest tested, whole. */
  digest: string | null;
  event: {
    sender: string;
    registry: string;
    repository: string;
    tag: string;
    digest: string | null;
    pusher: string | null;
    pushed: TimeView;
    received: TimeView;
    /** Where Docker Hub's callback goes: its origin only (the path holds a secret). */
    callback: string | null;
  };
  timeline: TimelineStep[];
  actions: ActionView[];
  retryOf: { id: string; href: string } | null;
  retries: RunRow[];
  output: OutputView;
  /** An errored run's reason, shown where its output would be. */
  erroredReason: string | null;
  /** The live output stream, while the run is unfinished. */
  followHref: string | null;
  rawHref: string;
  canCancel: boolean;
  canRetry: boolean;
  notice: string | null;
  /** Every state's label as JSON, for the script that shows state changes live. */
  stateLabels: string;
}

/** A run's page, from what the store holds of it (its output with secrets already masked). */
export function runPageModel(input: {
  run: RunRecord;
  actions: readonly ActionRecord[];
  output: RunOutput | undefined;
  retries: readonly RunRecord[];
  /** Its pipeline is still configured: a retry is possible. */
  pipelineConfigured: boolean;
  notice?: string;
  now: Date;
}): RunPage {
  const { run, now } = input;
  const { event } = run;
  const final = isFinal(run.state);
  const row = runRow(run, now);
  return {
    run: row,
    verdict: {
      state: stateLabel(run.state),
      reason: run.reason ?? null,
      // Said once: a reason of "exit code 3" already has it.
      exitCode:
        run.exitCode !== undefined && !run.reason?.includes(`exit code ${run.exitCode}`)
          ? run.exitCode
          : null,
    },
    attempt: run.attempt,
    digest: run.imageDigest ?? null,
    event: {
      sender: row.sender,
      registry: event.registry,
      repository: event.repository,
      tag: event.tag,
      digest: event.digest ?? null,
      pusher: event.pusher ?? null,
      pushed: describeTime(event.pushedAt, now),
      received: describeTime(event.receivedAt, now),
      callback: event.callbackUrl ? originOf(event.callbackUrl) : null,
    },
    timeline: runTimeline(run, now),
    actions: input.actions.map((action) => actionView(action, now)),
    retryOf: run.retryOf ? { id: run.retryOf, href: `/runs/${run.retryOf}` } : null,
    retries: input.retries.map((retry) => runRow(retry, now)),
    output: outputView(input.output),
    erroredReason: run.state === "errored" ? (run.reason ?? "the test could not be run") : null,
    followHref: final ? null : `/runs/${run.id}/log?follow=1`,
    rawHref: `/runs/${run.id}/log`,
    canCancel: ["queued", "pulling", "testing"].includes(run.state),
    canRetry: final && input.pipelineConfigured,
    notice: (input.notice !== undefined && NOTICES.get(input.notice)) || null,
    stateLabels: JSON.stringify(Object.fromEntries(RUN_STATES.map((s) => [s, stateLabel(s)]))),
  };
}

import type { SlackActionConfig, WebhookActionConfig } from "../config/config.js";
import { imageNameOf } from "../pipeline/image-name.js";
import type { RunOutcome } from "../pipeline/outcome.js";
import { ActionError, runLinkOf, type ActionCall, type ExecuteAction } from "./action-call.js";
import { describeAnswer } from "./describe-answer.js";
import { renderTemplate, renderUrlTemplate } from "./render-template.js";
import { templateValuesOf, testedDigestOf } from "./template-values-of.js";

/** "850ms", "42s", "3m 5s", "1h 2m". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

const HEADLINE = {
  passed: ":white_check_mark: passed",
  failed: ":x: failed",
  errored: ":warning: could not be tested",
};

/** A Slack message people can read at a glance: image, result, duration, link. */
export function slackMessageOf(outcome: RunOutcome, link: string | undefined): { text: string } {
  const { run } = outcome;
  const image = `${imageNameOf(run.event)}:${run.event.tag}`;
  const reason = outcome.reason && outcome.verdict !== "passed" ? `: ${outcome.reason}` : "";
  const where = link ? `<${link}|run ${run.id}>` : `run ${run.id}`;
  return {
    text:
      `*${image}* ${HEADLINE[outcome.verdict]}${reason} ` +
      `in ${formatDuration(outcome.durationMs)} (pipeline ${run.pipeline}, ${where})`,
  };
}

/** The generic webhook's JSON: everything a receiver needs to act or dedupe. */
export function webhookPayloadOf(outcome: RunOutcome, link: string | undefined): object {
  const { run } = outcome;
  const values = templateValuesOf(outcome);
  return {
    runId: run.id,
    pipeline: run.pipeline,
    result: outcome.verdict,
    reason: outcome.reason ?? null,
    image: values.image,
    registry: run.event.registry,
    repository: values.repository,
    tag: run.event.tag,
    digest: testedDigestOf(outcome) ?? null,
    pusher: run.event.pusher ?? null,
    source: run.event.source,
    durationMs: outcome.durationMs,
    url: link ?? null,
  };
}

async function postJson(call: ActionCall, url: string, headers: object, body: object) {
  const response = await call.send({
    method: "POST",
    url,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  if (response.status < 200 || response.status >= 300) {
    throw new ActionError(describeAnswer(response));
  }
  return { state: "done" as const, result: { status: response.status } };
}

/** Notifications: a Slack incoming webhook, and a generic JSON webhook. */
export function createNotify(publicUrl: string | undefined): {
  slack: ExecuteAction<SlackActionConfig>;
  webhook: ExecuteAction<WebhookActionConfig>;
} {
  return {
    slack: (call, spec) =>
      postJson(
        call,
        spec.url,
        {},
        slackMessageOf(call.outcome, runLinkOf(publicUrl, call.outcome.run.id)),
      ),
    webhook: (call, spec) => {
      const values = templateValuesOf(call.outcome);
      const url = renderUrlTemplate(spec.url, values);
      const headers = Object.fromEntries(
        Object.entries(spec.headers).map(([name, value]) => [name, renderTemplate(value, values)]),
      );
      return postJson(
        call,
        url,
        headers,
        webhookPayloadOf(call.outcome, runLinkOf(publicUrl, call.outcome.run.id)),
      );
    },
  };
}

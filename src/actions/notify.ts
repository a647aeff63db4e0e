import type {
  DiscordActionConfig,
  SlackActionConfig,
  TeamsActionConfig,
  WebhookActionConfig,
} from "../config/config.js";
import { imageNameOf } from "../pipeline/image-name.js";
import type { RunOutcome } from "../pipeline/outcome.js";
import { ActionError, runLinkOf, type ActionCall, type ExecuteAction } from "./action-call.js";
import { describeAnswer } from "./describe-answer.js";
import { discordMessageOf } from "./discord-message-of.js";
import { formatElapsed } from "./format-elapsed.js";
import { teamsCardOf } from "./teams-card-of.js";
import { renderTemplate, renderUrlTemplate } from "./render-template.js";
import { templateValuesOf, testedDigestOf } from "./template-values-of.js";

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
      `in ${formatElapsed(outcome.durationMs)} (pipeline ${run.pipeline}, ${where})`,
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

/**
 * Notifications: a Slack incoming webhook, a Teams Workflows webhook (an Adaptive Card), a
 * Discord webhook (an embed; its 429's retry_after is honoured by the retry policy), and a
 * generic JSON webhook.
 */
export function createNotify(publicUrl: string | undefined): {
  slack: ExecuteAction<SlackActionConfig>;
  teams: ExecuteAction<TeamsActionConfig>;
  discord: ExecuteAction<DiscordActionConfig>;
  webhook: ExecuteAction<WebhookActionConfig>;
} {
  const linkOf = (call: ActionCall) => runLinkOf(publicUrl, call.outcome.run.id);
  return {
    slack: (call, spec) => postJson(call, spec.url, {}, slackMessageOf(call.outcome, linkOf(call))),
    teams: (call, spec) => postJson(call, spec.url, {}, teamsCardOf(call.outcome, linkOf(call))),
    discord: (call, spec) =>
      postJson(call, spec.url, {}, discordMessageOf(call.outcome, linkOf(call))),
    webhook: (call, spec) => {
      const values = templateValuesOf(call.outcome);
      const url = renderUrlTemplate(spec.url, values);
      const headers = Object.fromEntries(
        Object.entries(spec.headers).map(([name, value]) => [name, renderTemplate(value, values)]),
      );
      return postJson(call, url, headers, webhookPayloadOf(call.outcome, linkOf(call)));
    },
  };
}

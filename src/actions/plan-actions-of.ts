import type {
  ActionConfig,
  DiscordActionConfig,
  JenkinsActionConfig,
  RedeployActionConfig,
  SlackActionConfig,
  TeamsActionConfig,
  WebhookActionConfig,
} from "../config/config.js";
import { TRIGGER_OF, type RunOutcome } from "../pipeline/outcome.js";
import type { PlannedAction } from "../store/run-store.js";
import { originOf } from "./action-call.js";

/** One action of a run, with what it needs to run. */
export type ActionStep = PlannedAction &
  (
    | { kind: "jenkins"; spec: JenkinsActionConfig }
    | { kind: "redeploy"; spec: RedeployActionConfig }
    | { kind: "slack"; spec: SlackActionConfig }
    | { kind: "teams"; spec: TeamsActionConfig }
    | { kind: "discord"; spec: DiscordActionConfig }
    | { kind: "webhook"; spec: WebhookActionConfig }
    | { kind: "callback"; spec: { url: string } }
  );

function stepOf(id: string, action: ActionConfig): ActionStep {
  if ("jenkins" in action) {
    return { id, kind: "jenkins", target: action.jenkins.job, spec: action.jenkins };
  }
  if ("redeploy" in action) {
    const { preset, url } = action.redeploy;
    return { id, kind: "redeploy", target: `${preset} ${originOf(url)}`, spec: action.redeploy };
  }
  if ("slack" in action) {
    return { id, kind: "slack", target: originOf(action.slack.url), spec: action.slack };
  }
  if ("teams" in action) {
    return { id, kind: "teams", target: originOf(action.teams.url), spec: action.teams };
  }
  if ("discord" in action) {
    return { id, kind: "discord", target: originOf(action.discord.url), spec: action.discord };
  }
  return { id, kind: "webhook", target: originOf(action.webhook.url), spec: action.webhook };
}

/** What an action of the config calls, safe to show: its kind and its target. */
export function describeAction(action: ActionConfig): { kind: string; target: string } {
  const { kind, target } = stepOf("", action);
  return { kind, target };
}

/**
 * The actions an outcome calls for, in order: the pipeline's list for the verdict
 * ("success.0", "success.1"...), then Docker Hub's callback when the pipeline asks for it
 * and the push carried a callback_url. Ids stay the same for the same config, so a resumed
 * run finds what it already did.
 */
export function planActionsOf(outcome: RunOutcome): ActionStep[] {
  const trigger = TRIGGER_OF[outcome.verdict];
  const steps = outcome.pipeline.on[trigger].map((action, i) => stepOf(`${trigger}.${i}`, action));
  const callbackUrl = outcome.run.event.callbackUrl;
  if (outcome.pipeline.callback && callbackUrl) {
    steps.push({
      id: "callback",
      kind: "callback",
      target: originOf(callbackUrl),
      spec: { url: callbackUrl },
    });
  }
  return steps;
}

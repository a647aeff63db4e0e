import type { RunOutcome } from "../pipeline/outcome.js";
import { renderTemplate } from "./render-template.js";
import { templateValuesOf, testedImageOf } from "./template-values-of.js";

/**
 * Named and filled as Jenkins' Docker Hub/Registry Notification plugin set them (as
 * environment variables), so a job written for it reads the same values once it declares
 * them as parameters: Jenkins reads no parameter a job does not declare.
 */
export const PLUGIN_PARAMETERS = [
  "DOCKER_TRIGGER_REPO_NAME",
  "DOCKER_TRIGGER_TAG",
  "DOCKER_TRIGGER_PUSHER",
  "DOCKER_TRIGGER_DOCKER_HUB_HOST",
  "DOCKER_TRIGGER_DOCKER_REGISTRY_HOST",
] as const;

/** What pushgate adds: the run, its verdict and the exact image that was tested. */
export const PUSHGATE_PARAMETERS = [
  "PUSHGATE_RUN_ID",
  "PUSHGATE_RESULT",
  "PUSHGATE_IMAGE",
] as const;

/** Every parameter name pushgate may send on its own; a job declares these (see jenkins/). */
export const JENKINS_PARAMETER_NAMES: readonly string[] = [
  ...PLUGIN_PARAMETERS,
  ...PUSHGATE_PARAMETERS,
];

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The form parameters of a buildWithParameters call. As in the plugin: for Docker Hub,
 * REPO_NAME is the repository ("acme/web") and DOCKER_HUB_HOST the host of the payload's
 * callback_url; for any other registry, REPO_NAME is "host:port/repository" and
 * DOCKER_REGISTRY_HOST the registry's host:port. Blank values are left out, as the plugin
 * does, so a job's own defaults apply. The action's own parameters come last, templated.
 */
export function jenkinsParametersOf(
  outcome: RunOutcome,
  own: Readonly<Record<string, string>>,
): Record<string, string> {
  const { event } = outcome.run;
  const fromDockerHub = event.registry === "docker.io";
  const parameters: Record<string, string | undefined> = {
    DOCKER_TRIGGER_REPO_NAME: fromDockerHub
      ? event.repository
      : `${event.registry}/${event.repository}`,
    DOCKER_TRIGGER_TAG: event.tag,
    DOCKER_TRIGGER_PUSHER: event.pusher,
    ...(fromDockerHub
      ? { DOCKER_TRIGGER_DOCKER_HUB_HOST: hostOf(event.callbackUrl) }
      : { DOCKER_TRIGGER_DOCKER_REGISTRY_HOST: event.registry }),
    PUSHGATE_RUN_ID: outcome.run.id,
    PUSHGATE_RESULT: outcome.verdict,
    PUSHGATE_IMAGE: testedImageOf(outcome),
  };
  const sent: Record<string, string> = {};
  for (const [name, value] of Object.entries(parameters)) if (value) sent[name] = value;
  const values = templateValuesOf(outcome);
  for (const [name, template] of Object.entries(own)) sent[name] = renderTemplate(template, values);
  return sent;
}

import Joi from "joi";
import { parseAllowedHost } from "../actions/check-callback-url.js";
import { JENKINS_PARAMETER_NAMES } from "../actions/jenkins-parameters-of.js";
import { TEMPLATE_NAMES, unknownPlaceholders } from "../actions/render-template.js";
import { duration } from "./joi-units.js";

const PRESETS = ["generic", "watchtower", "portainer", "keel", "dockercloud"];
/** Presets whose receiver answers only once the redeploy is done (pull, stop, start). */
const SLOW_PRESETS = ["watchtower", "portainer"];
/** Their calls' default timeout: a redeploy takes minutes, and a retry would redeploy again. */
export const SLOW_PRESET_TIMEOUT = "5m";

/**
 * Why `value` may not be a template of `names` (all template names by default), if it may not.
 * Joi reads {{...}} in a message as its own template: a backslash keeps the braces literal.
 */
export const placeholderProblem = (
  value: string,
  names: readonly string[] = TEMPLATE_NAMES,
): string | undefined => {
  const unknown = unknownPlaceholders(value, names);
  const known = names.map((name) => `\\{{${name}}}`).join(", ");
  return unknown.length > 0
    ? `uses unknown placeholder \\{{${unknown[0] ?? ""}}}; known: ${known}`
    : undefined;
};

/** A string that may hold {{placeholders}}. */
const template = Joi.string().custom((value: string, helpers) => {
  const problem = placeholderProblem(value);
  return problem ? helpers.message({ custom: problem }) : value;
});

/** An http(s) URL, placeholders allowed in it. */
const urlTemplate = Joi.string().custom((value: string, helpers) => {
  const problem = placeholderProblem(value);
  if (problem) return helpers.message({ custom: problem });
  try {
    const url = new URL(value.replace(/\{\{\s*[A-Za-z]+\s*\}\}/g, "x"));
    if (url.protocol === "http:" || url.protocol === "https:") return value;
  } catch {
    // reported below
  }
  return helpers.message({ custom: "must be an http(s) URL such as https://hooks.example/x" });
});

/** A JSON body template: every string inside is checked for placeholders. */
const bodyTemplate = Joi.any().custom((value: unknown, helpers) => {
  const strings: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node === "string") strings.push(node);
    else if (node !== null && typeof node === "object") Object.values(node).forEach(walk);
  };
  walk(value);
  const problem = strings.map((text) => placeholderProblem(text)).find(Boolean);
  return problem ? helpers.message({ custom: problem }) : value;
});

const headers = Joi.object()
  .pattern(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, template)
  .default({});

const jobName = Joi.string()
  .pattern(/^(?!\/)(?!.*\/\/)(?!.*\/$)(?!(.*\/)?\.\.?(\/|$)).+$/)
  .messages({ "string.pattern.base": 'must be a job path such as "web" or "deploy/web"' });

const jenkinsParameters = Joi.object()
  .pattern(/^[A-Za-z_][A-Za-z0-9_.-]*$/, template.allow(""))
  .custom((value: Record<string, string>, helpers) => {
    const reserved = Object.keys(value).find((name) => JENKINS_PARAMETER_NAMES.includes(name));
    return reserved
      ? helpers.message({ custom: `${reserved} is sent by pushgate itself; choose another name` })
      : value;
  })
  .default({});

const jenkins = Joi.object({
  job: jobName.required(),
  parameters: jenkinsParameters,
  wait: Joi.boolean().default(false),
  waitTimeout: duration("30m"),
  timeout: duration(),
});

const onlyFor = (preset: string) =>
  ({ "any.unknown": `is only for preset ${preset}` }) as Record<string, string>;

const redeploy = Joi.object({
  preset: Joi.string()
    .valid(...PRESETS)
    .default("generic")
    .messages({ "any.only": `must be one of ${PRESETS.join(", ")}` }),
  url: urlTemplate.required(),
  method: Joi.string().uppercase().valid("GET", "POST", "PUT", "PATCH", "DELETE").default("POST"),
  headers,
  body: bodyTemplate.when("preset", {
    is: "generic",
    otherwise: Joi.any().forbidden().messages(onlyFor("generic")),
  }),
  token: Joi.string().when("preset", {
    is: "watchtower",
    then: Joi.required(),
    otherwise: Joi.forbidden().messages(onlyFor("watchtower")),
  }),
  updateTag: Joi.boolean().when("preset", {
    is: "portainer",
    then: Joi.boolean().default(false),
    otherwise: Joi.forbidden().messages(onlyFor("portainer")),
  }),
  timeout: Joi.when("preset", {
    is: Joi.valid(...SLOW_PRESETS),
    then: duration(SLOW_PRESET_TIMEOUT),
    otherwise: duration(),
  }),
});

const httpUrl = Joi.string()
  .uri({ scheme: ["http", "https"] })
  .messages({ "string.uriCustomScheme": "must be an http(s) URL" });

const KINDS = ["jenkins", "redeploy", "slack", "teams", "discord", "webhook"] as const;

const action = Joi.object({
  jenkins,
  redeploy,
  slack: Joi.object({ url: httpUrl.required(), timeout: duration() }),
  teams: Joi.object({ url: httpUrl.required(), timeout: duration() }),
  discord: Joi.object({ url: httpUrl.required(), timeout: duration() }),
  webhook: Joi.object({ url: urlTemplate.required(), headers, timeout: duration() }),
})
  .xor(...KINDS)
  .messages({
    "object.missing": "must be one action: jenkins, redeploy, slack, teams, discord or webhook",
    "object.xor": "holds two actions; give each its own list item",
  });

/** `on.success | on.failure | on.error`: the actions a verdict runs, in order. */
export const actionList = Joi.array().items(action).default([]);

/** A `callbacks.allowedHosts` entry. */
export const allowedHost = Joi.string().custom((value: string, helpers) =>
  parseAllowedHost(value)
    ? value
    : helpers.message({
        custom:
          'must be a host such as "registry.hub.docker.com" or, to allow plain http, "http://host:port"',
      }),
);

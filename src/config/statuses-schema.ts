import Joi from "joi";
import type { StatusProvider } from "./config.js";

export const STATUS_PROVIDERS: readonly StatusProvider[] = ["github", "gitlab", "gitea"];

const apiUrl = Joi.string()
  .uri({ scheme: ["http", "https"] })
  .messages({ "string.uriCustomScheme": "must be an http(s) URL" });

/**
 * A code host's connection: `token` and the API's `url` (GitHub: https://api.github.com, or
 * https://HOST/api/v3 for GitHub Enterprise; GitLab, Gitea: the site's URL).
 */
export const forge = (defaultUrl?: string) =>
  Joi.object({
    token: Joi.string().required(),
    url: defaultUrl ? apiUrl.default(defaultUrl) : apiUrl.required(),
  });

/** A repository path on a code host: "acme/web", or GitLab's "group/subgroup/web". */
export const repositoryPath = Joi.string()
  .pattern(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/)
  .messages({ "string.pattern.base": 'must be a repository path such as "acme/web"' });

const PROVIDERS_MESSAGE = `must be one of ${STATUS_PROVIDERS.join(", ")}`;

const providerName = Joi.string()
  .valid(...STATUS_PROVIDERS)
  .messages({ "any.only": PROVIDERS_MESSAGE });

const statusOptions = Joi.object({
  context: Joi.string().min(1).max(255),
  repository: repositoryPath,
});

const statusObject = Joi.object({
  github: statusOptions,
  gitlab: statusOptions,
  gitea: statusOptions,
}).or(...STATUS_PROVIDERS);

type StatusItem = string | Record<string, unknown>;

/** The providers `statuses` names, each once. */
const onceEach: Joi.CustomValidator<StatusItem | StatusItem[]> = (value, helpers) => {
  const seen = new Set<string>();
  for (const item of Array.isArray(value) ? value : [value]) {
    for (const name of typeof item === "string" ? [item] : Object.keys(item)) {
      if (seen.has(name)) return helpers.message({ custom: `names ${name} twice` });
      seen.add(name);
    }
  }
  return value;
};

/**
 * `statuses`: a provider ("github"), a list of them, or objects giving a provider its
 * `context` and `repository` (`[{ github: { context: ci/pushgate } }, gitlab]`, or the map
 * `{ github: {...}, gitea: {} }`).
 */
export const statuses = Joi.alternatives(
  providerName,
  statusObject,
  Joi.array().items(Joi.alternatives(providerName, statusObject)),
)
  .custom(onceEach)
  .default([])
  .messages({
    "alternatives.types": PROVIDERS_MESSAGE,
    "alternatives.match":
      "must be github, gitlab or gitea, a list of them, or github: with its context and repository",
  });

import Joi from "joi";
import { repositoryName, tagName } from "./joi-reference-rules.js";
import type { ParseSource } from "./source.js";
import { validatePayload } from "./validate-payload.js";

interface DockerHubPayload {
  callback_url?: string;
  push_data: {
    tag?: string | null;
    pushed_at?: number;
    pusher?: string | null;
    images?: unknown[];
  };
  repository: { repo_name: string };
}

/**
 * Docker Hub's push webhook, in every documented shape: with and without push_data.tag,
 * with or without push_data.images, integer or float timestamps; other fields ignored.
 */
const schema = Joi.object<DockerHubPayload>({
  callback_url: Joi.string()
    .uri({ scheme: ["http", "https"] })
    .allow(""),
  push_data: Joi.object({
    tag: tagName.allow(null),
    pushed_at: Joi.number().min(0).max(1e11),
    pusher: Joi.string().max(255).allow("", null),
    images: Joi.array(),
  }).required(),
  repository: Joi.object({
    repo_name: repositoryName.required(),
  }).required(),
}).required();

export const parseDockerHub: ParseSource = ({ body }) => {
  const payload = validatePayload(schema, body);
  const { push_data: push } = payload;
  const pushedAt =
    push.pushed_at === undefined ? new Date() : new Date(Math.round(push.pushed_at * 1000));
  return {
    events: [
      {
        source: "dockerhub",
        registry: "docker.io",
        repository: payload.repository.repo_name,
        tag: push.tag ?? "latest",
        pushedAt,
        ...(push.pusher ? { pusher: push.pusher } : {}),
        ...(payload.callback_url ? { callbackUrl: payload.callback_url } : {}),
      },
    ],
    ignored: [],
  };
};

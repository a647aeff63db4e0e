import Joi from "joi";
import { boundedArray } from "./joi-payload-rules.js";
import { tagName } from "./joi-reference-rules.js";
import { PayloadError } from "./payload-error.js";
import { isValidRegistryHost, isValidRepository } from "./reference-grammar.js";
import type { ParseSource } from "./source.js";
import { splitImageName } from "./split-image-name.js";
import { validatePayload } from "./validate-payload.js";

interface QuayNotification {
  docker_url: string;
  updated_tags?: string[];
}

/** Quay's repository notification; only "Push to Repository" carries updated_tags. */
const schema = Joi.object<QuayNotification>({
  docker_url: Joi.string().max(1024).required(),
  updated_tags: boundedArray(tagName),
}).required();

/**
 * Quay's "Push to Repository" webhook: one push event per updated tag, on the registry and
 * repository of `docker_url` ("quay.io/acme/web"). Quay sends neither digest nor push time,
 * so a re-sent notification cannot be told from a new push of the same tags. Build, mirror
 * and vulnerability notifications (no updated_tags) are ignored.
 */
export const parseQuay: ParseSource = ({ body }) => {
  const payload = validatePayload(schema, body);
  if (payload.updated_tags === undefined) {
    return { events: [], ignored: ["quay notification without updated_tags (not a push)"] };
  }
  const location = splitImageName(payload.docker_url);
  if (
    !location ||
    !isValidRegistryHost(location.registry) ||
    !isValidRepository(location.repository)
  ) {
    throw new PayloadError([
      { path: "docker_url", message: "must name the repository as host/namespace/name" },
    ]);
  }
  const pushedAt = new Date();
  return {
    events: payload.updated_tags.map((tag) => ({ source: "quay", ...location, tag, pushedAt })),
    ignored: payload.updated_tags.length === 0 ? ["quay push updated no tags"] : [],
  };
};

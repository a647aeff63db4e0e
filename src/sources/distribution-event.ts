import Joi from "joi";
import { formatPath } from "../validation/format-joi-errors.js";
import { isoTimestamp } from "./joi-payload-rules.js";
import { digestValue, repositoryName, requestHost, tagName } from "./joi-reference-rules.js";
import type { PushEvent } from "./push-event.js";
import { validatePayload } from "./validate-payload.js";

/** The fields of a distribution event that decide whether it is a tagged manifest push. */
export interface DistributionEventShape {
  action: string;
  target?: { mediaType?: string; repository?: string; tag?: string };
}

export const distributionEventShape = Joi.object<DistributionEventShape>({
  action: Joi.string().required(),
  target: Joi.object({
    mediaType: Joi.string().allow(""),
    repository: Joi.string().allow(""),
    tag: Joi.string().allow(""),
  }),
});

interface TaggedPush {
  timestamp?: string;
  target: { repository: string; tag: string; digest: string };
  request: { host: string };
  actor?: { name?: string };
}

/** What a tagged manifest push must carry to become a PushEvent, checked strictly. */
const taggedPush = Joi.object<TaggedPush>({
  timestamp: isoTimestamp,
  target: Joi.object({
    repository: repositoryName.required(),
    tag: tagName.required(),
    digest: digestValue.required(),
  }).required(),
  request: Joi.object({ host: requestHost.required() }).required(),
  actor: Joi.object({ name: Joi.string().max(255).allow("") }),
});

/** Image manifests and indexes (Docker schema 1 and 2, OCI); blobs are anything else. */
const MANIFEST_TYPE =
  /^application\/vnd\.(?:docker\.distribution\.manifest\.|oci\.image\.(?:manifest|index)\.)/;

export type DistributionOutcome = { event: PushEvent } | { ignored: string };

/**
 * One event in the distribution registry's notification format (also ACR's): only the push
 * of a manifest that carries a tag is an image push; layer pushes, pulls, mounts, deletes and
 * manifests pushed by digest (the children of a multi-arch index) are ignored with a reason.
 * `event` must already match `distributionEventShape`; `at` is its path, for messages.
 */
export function readDistributionEvent(
  event: DistributionEventShape,
  source: "registry" | "acr",
  at: readonly (string | number)[],
): DistributionOutcome {
  const where = at.length > 0 ? `${formatPath(at)}: ` : "";
  const target = event.target ?? {};
  const on = (preposition: string) =>
    target.repository ? ` ${preposition} ${target.repository}` : "";
  if (event.action !== "push") return { ignored: `${where}${event.action}${on("of")}` };
  const mediaType = target.mediaType ?? "";
  if (mediaType !== "" && !MANIFEST_TYPE.test(mediaType)) {
    return { ignored: `${where}blob push${on("to")}` };
  }
  if (!target.tag) {
    return { ignored: `${where}manifest pushed by digest${on("to")} (no tag)` };
  }

  const push = validatePayload(taggedPush, event, at);
  const pusher = push.actor?.name;
  return {
    event: {
      source,
      registry: push.request.host,
      repository: push.target.repository,
      tag: push.target.tag,
      digest: push.target.digest,
      pushedAt: push.timestamp === undefined ? new Date() : new Date(push.timestamp),
      ...(pusher ? { pusher } : {}),
    },
  };
}

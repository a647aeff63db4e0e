import Joi from "joi";
import { boundedArray, isoTimestamp } from "./joi-payload-rules.js";
import { digestValue, repositoryName, tagName } from "./joi-reference-rules.js";
import { PayloadError } from "./payload-error.js";
import type { PushEvent } from "./push-event.js";
import { isValidDigest, isValidRegistryHost } from "./reference-grammar.js";
import type { ParseSource } from "./source.js";
import { splitImageName } from "./split-image-name.js";
import { validatePayload } from "./validate-payload.js";

interface HarborEnvelope {
  type: string;
  specversion?: string;
  occur_at?: number;
  time?: string;
  operator?: string;
  event_data?: unknown;
  data?: unknown;
}

interface HarborData {
  resources: { digest?: string; tag?: string; resource_url?: string }[];
  repository: { repo_full_name: string };
}

/** Both of Harbor's payload formats: "Default" (event_data) and CloudEvents 1.0 (data). */
const envelope = Joi.object<HarborEnvelope>({
  type: Joi.string().required(),
  specversion: Joi.string(),
  occur_at: Joi.number().min(0).max(1e11),
  time: isoTimestamp,
  operator: Joi.string().max(255).allow(""),
}).required();

const pushData = Joi.object<HarborData>({
  resources: boundedArray(
    Joi.object({
      digest: digestValue,
      tag: Joi.string().allow(""),
      resource_url: Joi.string().max(1024),
    }),
  ).required(),
  repository: Joi.object({ repo_full_name: repositoryName.required() }).required(),
}).required();

const taggedResource = Joi.object<{ tag: string; resource_url: string }>({
  tag: tagName.required(),
  resource_url: Joi.string().required(),
});

const PUSH_TYPES = new Set(["PUSH_ARTIFACT", "harbor.artifact.pushed"]);

/**
 * Harbor's webhook: `PUSH_ARTIFACT` in the Default format or `harbor.artifact.pushed` in the
 * CloudEvents format, one push event per tagged resource. The registry is the host of the
 * resource URL Harbor prints; resources pushed by digest (Harbor repeats the digest as the
 * tag) and every other event type (pulls, deletes, scans, quotas) are ignored.
 */
export const parseHarbor: ParseSource = ({ body }) => {
  const head = validatePayload(envelope, body);
  if (!PUSH_TYPES.has(head.type)) return { events: [], ignored: [`harbor event ${head.type}`] };

  const dataKey = head.specversion === undefined ? "event_data" : "data";
  const data = validatePayload(pushData, head[dataKey], [dataKey]);
  const pushedAt =
    head.time !== undefined
      ? new Date(head.time)
      : head.occur_at !== undefined
        ? new Date(head.occur_at * 1000)
        : new Date();
  const events: PushEvent[] = [];
  const ignored: string[] = [];
  data.resources.forEach((resource, i) => {
    if (!resource.tag || isValidDigest(resource.tag)) {
      ignored.push(`${dataKey}.resources[${i}]: pushed by digest (no tag)`);
      return;
    }
    const { tag, resource_url: url } = validatePayload(taggedResource, resource, [
      dataKey,
      "resources",
      i,
    ]);
    const registry = splitImageName(url)?.registry;
    if (registry === undefined || !isValidRegistryHost(registry)) {
      throw new PayloadError([
        {
          path: `${dataKey}.resources[${i}].resource_url`,
          message: "must name the image as host/repository:tag",
        },
      ]);
    }
    events.push({
      source: "harbor",
      registry,
      repository: data.repository.repo_full_name,
      tag,
      ...(resource.digest ? { digest: resource.digest } : {}),
      pushedAt,
      ...(head.operator ? { pusher: head.operator } : {}),
    });
  });
  return { events, ignored };
};

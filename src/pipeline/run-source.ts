import { renderTemplate, TEMPLATE_NAMES, type TemplateValues } from "../actions/render-template.js";
import type { SourceConfig } from "../config/config.js";
import type { PushEvent } from "../sources/push-event.js";
import type { RunSource } from "../store/run-store.js";
import { imageNameOf } from "./image-name.js";

/**
 * Where a tested image comes from: its labels' source URL and revision, each filled in from
 * the pipeline's `source` when the labels do not say (`repository` as written, `revision`
 * rendered from the push: "{{tag}}" for images tagged with their commit). Undefined when
 * nothing is known.
 */
export function runSourceOf(
  labels: { url?: string; revision?: string },
  pipeline: { name: string; source?: SourceConfig },
  event: Pick<PushEvent, "registry" | "repository" | "tag">,
  digest: string | undefined,
): RunSource | undefined {
  const name = imageNameOf(event);
  const values = Object.fromEntries(TEMPLATE_NAMES.map((key) => [key, ""])) as TemplateValues;
  Object.assign(values, {
    repository: name,
    tag: event.tag,
    digest: digest ?? "",
    image: digest ? `${name}@${digest}` : `${name}:${event.tag}`,
    registry: event.registry,
    pipeline: pipeline.name,
  });
  const configured = pipeline.source;
  const revision =
    labels.revision ??
    (configured?.revision ? renderTemplate(configured.revision, values).trim() : "");
  const repository = labels.url ? undefined : configured?.repository;
  const source: RunSource = {
    ...(labels.url ? { url: labels.url } : {}),
    ...(revision ? { revision } : {}),
    ...(repository ? { repository } : {}),
  };
  return Object.keys(source).length > 0 ? source : undefined;
}

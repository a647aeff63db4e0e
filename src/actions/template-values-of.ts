import { imageNameOf } from "../pipeline/image-name.js";
import type { RunOutcome } from "../pipeline/outcome.js";
import type { TemplateValues } from "./render-template.js";

/** The digest that was tested: from the outcome, the run, or failing those the push. */
export function testedDigestOf(outcome: RunOutcome): string | undefined {
  const candidate = outcome.imageDigest ?? outcome.run.imageDigest ?? outcome.run.event.digest;
  if (candidate === undefined) return undefined;
  const at = candidate.lastIndexOf("@");
  return at >= 0 ? candidate.slice(at + 1) : candidate;
}

/**
 * The image a deploy should use: `name@digest` when the digest is known (what was tested,
 * immune to the tag moving since), else `name:tag` (a run that errored before the pull).
 */
export function testedImageOf(outcome: RunOutcome): string {
  const name = imageNameOf(outcome.run.event);
  const digest = testedDigestOf(outcome);
  return digest ? `${name}@${digest}` : `${name}:${outcome.run.event.tag}`;
}

/**
 * What `{{repository}}`, `{{tag}}`, `{{digest}}`, `{{runId}}`... stand for in a run's actions;
 * `{{revision}}` is the commit the tested image's labels (or the pipeline's source) name and
 * `{{source}}` its repository (the label's URL, else the pipeline's path), empty when unknown.
 */
export function templateValuesOf(outcome: RunOutcome): TemplateValues {
  const { run } = outcome;
  return {
    repository: imageNameOf(run.event),
    tag: run.event.tag,
    digest: testedDigestOf(outcome) ?? "",
    image: testedImageOf(outcome),
    runId: run.id,
    result: outcome.verdict,
    pipeline: run.pipeline,
    registry: run.event.registry,
    revision: run.source?.revision ?? "",
    source: run.source?.url ?? run.source?.repository ?? "",
  };
}

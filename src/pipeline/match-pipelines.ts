import picomatch from "picomatch";
import type { PipelineConfig } from "../config/config.js";
import type { PushEvent } from "../sources/push-event.js";
import { imageNameOf } from "./image-name.js";

export type PipelineMatcher = (event: PushEvent) => PipelineConfig[];

/**
 * Compiles the pipelines' globs once and returns a function giving the pipelines an event
 * matches. Repository globs follow path rules ("acme/*" is one level, "acme/**" any depth);
 * "library/x" and "x" are the same Docker Hub repository.
 */
export function compilePipelineMatcher(pipelines: readonly PipelineConfig[]): PipelineMatcher {
  const compiled = pipelines.map((pipeline) => ({
    pipeline,
    repository: picomatch(pipeline.match.repositories, { dot: true }),
    tag: picomatch(pipeline.match.tags, { dot: true }),
  }));
  return (event) => {
    const names = namesOf(event);
    return compiled
      .filter(
        ({ pipeline, repository, tag }) =>
          (!pipeline.match.sources || pipeline.match.sources.includes(event.source)) &&
          names.some((name) => repository(name)) &&
          tag(event.tag),
      )
      .map(({ pipeline }) => pipeline);
  };
}

function namesOf(event: PushEvent): string[] {
  const name = imageNameOf(event);
  if (event.registry !== "docker.io") return [name];
  if (name.startsWith("library/")) return [name, name.slice("library/".length)];
  return name.includes("/") ? [name] : [name, `library/${name}`];
}

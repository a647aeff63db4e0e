import {
  parseImageReference as splitImageReference,
  type ImageReference as DockerImageReference,
} from "../docker/image-reference.js";
import {
  isValidRegistryHost,
  isValidRepository,
  isValidTag,
} from "../sources/reference-grammar.js";

/** A pushed image as check-config takes it: always a tag, Docker Hub's hosts as "docker.io". */
export type ImageReference = Pick<DockerImageReference, "registry" | "repository"> & {
  tag: string;
};

const DOCKER_HUB_HOSTS = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

/**
 * Reads "[registry/]repository[:tag]" as `docker pull` does (the tag defaults to "latest"),
 * or answers a one-line reason when the text is not such a reference.
 */
export function parseImageReference(text: string): ImageReference | { error: string } {
  if (text.includes("@")) return { error: `${text}: give a tag (repository:tag), not a digest` };
  const { registry: host, repository, tag = "latest" } = splitImageReference(text);
  const registry = DOCKER_HUB_HOSTS.has(host) ? "docker.io" : host;

  if (!isValidRegistryHost(registry))
    return { error: `${text}: ${registry} is not a registry host` };
  if (!isValidRepository(repository)) {
    return {
      error: `${text}: "${repository}" is not a repository name (lowercase letters, digits, . _ - and /)`,
    };
  }
  if (!isValidTag(tag)) {
    return { error: `${text}: "${tag}" is not a tag (letters, digits, _ . -, at most 128)` };
  }
  return { registry, repository, tag };
}

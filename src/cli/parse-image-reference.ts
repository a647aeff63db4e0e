import {
  isValidRegistryHost,
  isValidRepository,
  isValidTag,
} from "../sources/reference-grammar.js";

export interface ImageReference {
  /** "docker.io", or host[:port]. */
  registry: string;
  repository: string;
  tag: string;
}

const DOCKER_HUB_HOSTS = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

/**
 * Reads "[registry/]repository[:tag]" as `docker pull` does: the first component is a
 * registry when it has a dot or a port or is "localhost"; the tag defaults to "latest".
 * Answers a one-line reason instead when the text is not such a reference.
 */
export function parseImageReference(text: string): ImageReference | { error: string } {
  if (text.includes("@")) return { error: `${text}: give a tag (repository:tag), not a digest` };
  const slash = text.lastIndexOf("/");
  const colon = text.lastIndexOf(":");
  const [name, tag] =
    colon > slash ? [text.slice(0, colon), text.slice(colon + 1)] : [text, "latest"];

  const first = name.split("/", 1)[0] ?? "";
  const hasRegistry =
    name.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  const registryHost = hasRegistry ? first : "docker.io";
  const registry = DOCKER_HUB_HOSTS.has(registryHost) ? "docker.io" : registryHost;
  const repository = hasRegistry ? name.slice(first.length + 1) : name;

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

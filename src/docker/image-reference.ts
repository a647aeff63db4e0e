import {
  isValidDigest,
  isValidRegistryHost,
  isValidRepository,
  isValidTag,
} from "../sources/reference-grammar.js";

/** An image as Docker names it: registry host, repository path, and a tag or a digest. */
export interface ImageReference {
  /** "docker.io" or host[:port]. */
  registry: string;
  /** "acme/web"; "busybox" for a Docker Hub official image. */
  repository: string;
  tag?: string;
  digest?: string;
}

/**
 * Reads a reference the way `docker pull` does: the first path component is a registry
 * only when it looks like a host (has a dot or a port, or is localhost); otherwise the
 * image is on Docker Hub. "postgres:16", "127.0.0.1:5000/team/db", "x@sha256:...".
 */
export function parseImageReference(text: string): ImageReference {
  const [name = "", digest] = text.split("@", 2);
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  const tag = colon > slash ? name.slice(colon + 1) : undefined;
  const path = colon > slash ? name.slice(0, colon) : name;
  const first = path.split("/", 1)[0] ?? "";
  const hasRegistry =
    path.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  return {
    registry: hasRegistry ? first : "docker.io",
    repository: hasRegistry ? path.slice(first.length + 1) : path,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** Whether `docker pull` would accept the text as an image reference. */
export function isValidImageReference(text: string): boolean {
  const { registry, repository, tag, digest } = parseImageReference(text);
  return (
    text.split("@").length <= 2 &&
    isValidRegistryHost(registry) &&
    isValidRepository(repository) &&
    (tag === undefined || isValidTag(tag)) &&
    (digest === undefined || isValidDigest(digest))
  );
}

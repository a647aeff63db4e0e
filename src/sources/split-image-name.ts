/** Where an image lives: the registry host and the repository path within it. */
export interface ImageLocation {
  registry: string;
  repository: string;
}

/**
 * Splits an image name as vendors print it — "hub.harbor.com/team/web:latest",
 * "quay.io/acme/web", "ghcr.io/Owner/app:", "localhost/harbor/alpine@sha256:..." — into
 * registry and repository, dropping any tag or digest. A first component without a dot,
 * colon or "localhost" is a Docker Hub namespace, as `docker pull` reads it. Nothing is
 * validated here: the caller checks both parts against the reference grammar.
 */
export function splitImageName(name: string): ImageLocation | undefined {
  const withoutDigest = name.split("@")[0] ?? "";
  const slash = withoutDigest.indexOf("/");
  const first = slash === -1 ? withoutDigest : withoutDigest.slice(0, slash);
  const isHost = slash !== -1 && (/[.:]/.test(first) || first === "localhost");
  const registry = isHost ? first : "docker.io";
  const path = isHost ? withoutDigest.slice(slash + 1) : withoutDigest;
  const lastSlash = path.lastIndexOf("/");
  const colon = path.indexOf(":", lastSlash + 1);
  const repository = colon === -1 ? path : path.slice(0, colon);
  return repository === "" ? undefined : { registry, repository };
}

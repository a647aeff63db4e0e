/** Where an image lives: the registry host and the repository path within it. */
export interface ImageLocation {
  registry: string;
  repository: string;
}

/**
 * Splits an image name as vendors print it, always host first — "hub.harbor.com/team/web:
 * latest", "quay.io/acme/web", "ghcr.io/Owner/app:", "localhost/harbor/alpine@sha256:..." —
 * into registry and repository, dropping any tag or digest. Undefined when there is no
 * repository after the host. Nothing is validated here: the caller checks both parts
 * against the reference grammar.
 */
export function splitImageName(name: string): ImageLocation | undefined {
  const withoutDigest = name.split("@")[0] ?? "";
  const slash = withoutDigest.indexOf("/");
  if (slash <= 0) return undefined;
  const registry = withoutDigest.slice(0, slash);
  const path = withoutDigest.slice(slash + 1);
  const colon = path.indexOf(":", path.lastIndexOf("/") + 1);
  const repository = colon === -1 ? path : path.slice(0, colon);
  return repository === "" ? undefined : { registry, repository };
}

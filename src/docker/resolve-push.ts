import type { RegistryConfig } from "../config/config.js";
import type { ImageReference } from "./image-reference.js";
import type { RegistryAuth } from "./resolve-pull.js";

const DOCKER_HUB = "docker.io";

/**
 * Where a push of `image` goes and with which credentials: to its registry itself (a
 * mirror serves pulls only), with the `registries[]` entry named by its host or an alias.
 */
export function resolvePush(
  image: Pick<ImageReference, "registry" | "repository">,
  registries: readonly RegistryConfig[],
): { repository: string; auth?: RegistryAuth } {
  const host = image.registry.toLowerCase();
  const entry = registries.find((r) =>
    [r.host, ...r.aliases].some((name) => name.toLowerCase() === host),
  );
  const repository =
    image.registry === DOCKER_HUB ? image.repository : `${image.registry}/${image.repository}`;
  if (entry?.username === undefined || entry.password === undefined) return { repository };
  return {
    repository,
    auth: {
      username: entry.username,
      password: entry.password,
      serveraddress: image.registry === DOCKER_HUB ? "https://index.docker.io/v1/" : image.registry,
    },
  };
}

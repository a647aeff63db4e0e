import type { RegistryConfig } from "../config/config.js";
import type { ImageReference } from "./image-reference.js";

export interface RegistryAuth {
  username: string;
  password: string;
  serveraddress: string;
}

/** What to ask the engine to pull, after mirrors and credentials are applied. */
export interface PullTarget {
  /** "127.0.0.1:5000/library/busybox" — where the image actually comes from. */
  repository: string;
  /** repository plus ":tag" or "@digest". */
  reference: string;
  auth?: RegistryAuth;
}

const DOCKER_HUB = "docker.io";

/**
 * Applies `registries[]` (an entry found by its host or an alias) to an image: a mirror
 * replaces the registry host (Docker Hub official images keep their "library/" path
 * there), and the credentials of the host actually pulled from — or else of the mirrored
 * registry's entry — go along.
 */
export function resolvePull(
  image: ImageReference,
  registries: readonly RegistryConfig[],
): PullTarget {
  const named = (host: string) => (r: RegistryConfig) =>
    [r.host, ...r.aliases].some((name) => name.toLowerCase() === host.toLowerCase());
  const entry = registries.find(named(image.registry));
  const path =
    image.registry === DOCKER_HUB && !image.repository.includes("/")
      ? `library/${image.repository}`
      : image.repository;
  const host = entry?.mirror ?? entry?.host ?? image.registry;
  const repository = `${host}/${path}`;
  const reference = image.digest
    ? `${repository}@${image.digest}`
    : `${repository}:${image.tag ?? "latest"}`;
  const withCredentials = [registries.find(named(host)), entry].find(
    (r) => r?.username !== undefined && r.password !== undefined,
  );
  if (!withCredentials?.username || withCredentials.password === undefined) {
    return { repository, reference };
  }
  return {
    repository,
    reference,
    auth: {
      username: withCredentials.username,
      password: withCredentials.password,
      serveraddress: host === DOCKER_HUB ? "https://index.docker.io/v1/" : host,
    },
  };
}

/** Where a push notification came from. */
export type SourceName = "dockerhub" | "registry" | "acr" | "harbor" | "quay" | "ghcr";

/** One pushed image tag, the same shape whatever registry announced it. */
export interface PushEvent {
  source: SourceName;
  /** "docker.io", or host[:port] for other registries. */
  registry: string;
  /** "acme/web"; Docker Hub official images arrive as "busybox". */
  repository: string;
  /** Docker Hub omits it in old payloads: then "latest". */
  tag: string;
  /** "sha256:..." when the source tells it. */
  digest?: string;
  pushedAt: Date;
  pusher?: string;
  /** Docker Hub legacy field; answered best effort only. */
  callbackUrl?: string;
}

/**
 * The key that makes a re-sent delivery recognisable: the same image pushed under the same
 * tag. With a digest, that is the content; without one, the push time stands in for it.
 */
export function dedupeKeyOf(event: PushEvent): string {
  const identity = event.digest ?? `at:${event.pushedAt.toISOString()}`;
  return [event.source, event.registry, event.repository, event.tag, identity].join("|");
}

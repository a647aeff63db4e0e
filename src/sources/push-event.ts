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
  return `${tagKeyOf(event)}|${identity}`;
}

/**
 * What a delivery's dedupe key is compared with: a delivery is a duplicate when the last one
 * recorded under its head key had the same dedupe key. With a digest, the head is the tag, so
 * a delivery announcing what the tag already points at is a duplicate and a tag moved back to
 * an earlier digest (a rollback) is not. Without one, the push time identifies one push: the
 * head is the dedupe key itself, a duplicate for good.
 */
export function headKeyOf(event: PushEvent): string {
  return event.digest === undefined ? dedupeKeyOf(event) : tagKeyOf(event);
}

/** The tag a push moves, as announced by one source. Tags never contain "|". */
function tagKeyOf(event: PushEvent): string {
  return [event.source, event.registry, event.repository, event.tag].join("|");
}

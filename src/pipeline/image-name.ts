import type { PushEvent } from "../sources/push-event.js";

/**
 * The name a user would give `docker pull`: "acme/web" for Docker Hub, "host:port/acme/web"
 * for any other registry. Pipelines match on it.
 */
export function imageNameOf(event: Pick<PushEvent, "registry" | "repository">): string {
  return event.registry === "docker.io"
    ? event.repository
    : `${event.registry}/${event.repository}`;
}

import type { SourceName } from "../../sources/push-event.js";

const NAMES: Record<SourceName, string> = {
  dockerhub: "Docker Hub",
  registry: "Registry",
  acr: "Azure Container Registry",
  harbor: "Harbor",
  quay: "Quay",
  ghcr: "GitHub Container Registry",
};

/** Who announced a push, as people call it. */
export function senderName(source: SourceName): string {
  return NAMES[source];
}

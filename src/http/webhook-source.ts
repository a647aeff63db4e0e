import type { SourceName } from "../sources/push-event.js";

const PREFIXES: readonly [string, SourceName][] = [
  ["/dockerhub-webhook", "dockerhub"],
  ["/dockerregistry-webhook", "registry"],
  ["/acr-webhook", "acr"],
  ["/harbor-webhook", "harbor"],
  ["/quay-webhook", "quay"],
  ["/ghcr-webhook", "ghcr"],
];

/**
 * The source a webhook path belongs to ("/acr-webhook/x/notify" → "acr"); undefined elsewhere.
 * Case-insensitive, as Express routes are.
 */
export function webhookSourceOf(requestPath: string): SourceName | undefined {
  const path = requestPath.toLowerCase();
  for (const [prefix, source] of PREFIXES) {
    if (path === prefix || path.startsWith(`${prefix}/`)) return source;
  }
  return undefined;
}

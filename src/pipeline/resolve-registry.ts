import type { RegistryConfig } from "../config/config.js";

/** The configured name of the registry a push was announced under. */
export type RegistryResolver = (reported: string) => string;

/**
 * Compiles `registries[].aliases` into a function from the host a sender reported (a
 * notification's request.host, Harbor's resource URL...) to the registry's configured
 * `host`, so that pipelines match, dedupe and pulls all use one name. Host names are
 * case-insensitive: an unknown host comes back in lower case.
 */
export function compileRegistryResolver(registries: readonly RegistryConfig[]): RegistryResolver {
  const canonical = new Map<string, string>();
  for (const registry of registries) {
    canonical.set(registry.host.toLowerCase(), registry.host);
    for (const alias of registry.aliases) canonical.set(alias.toLowerCase(), registry.host);
  }
  return (reported) => {
    const key = reported.toLowerCase();
    return canonical.get(key) ?? key;
  };
}

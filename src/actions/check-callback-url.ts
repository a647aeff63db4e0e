/** One `callbacks.allowedHosts` entry, read: where a callback may go. */
interface AllowedHost {
  protocol: "http:" | "https:";
  hostname: string;
  /** "" for the scheme's default port. */
  port: string;
}

/**
 * Reads an allowedHosts entry: "host" or "host:port" allow https only; "http://host:port"
 * (or "https://...") names the scheme too, which is how plain http is allowed. Undefined for
 * anything else (paths, credentials, other schemes).
 */
export function parseAllowedHost(entry: string): AllowedHost | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(entry);
  let url: URL;
  try {
    url = new URL(withScheme ? entry : `https://${entry}`);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if (url.username || url.password || url.search || url.hash) return undefined;
  if (url.pathname !== "/" || !url.hostname) return undefined;
  if (!withScheme && /[/?#@]/.test(entry)) return undefined;
  return { protocol: url.protocol, hostname: url.hostname, port: url.port };
}

export type CallbackCheck = { allowed: true; url: string } | { allowed: false; reason: string };

/**
 * Whether pushgate may POST to a payload's callback_url: only to an allowed host, on its
 * scheme and port. The decision is made on the parsed URL, so "https://allowed@evil/" or
 * "https://allowed.evil/" are refused.
 */
export function checkCallbackUrl(raw: string, allowedHosts: readonly string[]): CallbackCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { allowed: false, reason: "callback_url is not a URL" };
  }
  if (url.username || url.password) {
    return { allowed: false, reason: "callback_url carries credentials" };
  }
  const matches = allowedHosts
    .map(parseAllowedHost)
    .some(
      (host) =>
        host !== undefined &&
        host.protocol === url.protocol &&
        host.hostname === url.hostname &&
        host.port === url.port,
    );
  return matches
    ? { allowed: true, url: url.href }
    : {
        allowed: false,
        reason: `${url.protocol}//${url.host} is not in callbacks.allowedHosts`,
      };
}

import { decodePercent } from "../observability/decode-percent.js";

const PLACEHOLDER = /\{\{\s*[A-Za-z]+\s*\}\}/;

/** Query parameters whose value is a credential whatever its length (`?key=`, `?sig=`, `?code=`). */
const SECRET_QUERY_NAME = /token|secret|pass|auth|key|sig|code/i;

/**
 * A path segment or query value worth masking on its own: 8 characters or more, unless it
 * is a plain lowercase word shorter than 16 ("services", "webhooks", "redeploy"), which
 * would mask ordinary words of every log line. Templated values are never sent as written.
 */
export function isTokenLike(text: string): boolean {
  if (text.length < 8 || PLACEHOLDER.test(text)) return false;
  return text.length >= 16 || !/^[a-z]+$/.test(text);
}

/**
 * The parts of an outbound URL that are secret besides the URL itself, as a receiver may
 * echo them without the origin ("no such hook: /hooks/T0pS3cret?key=abcd"): its path and
 * query when they hold a token-like segment or any query, each token-like segment, each
 * token-like query value and any value of a credential-named parameter, and a password.
 * Parts holding a {{placeholder}} are left out: what is sent differs from what is written.
 */
export function urlSecretsOf(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const found = new Set<string>();
  const add = (text: string): void => {
    if (!text || PLACEHOLDER.test(decodePercent(text))) return;
    found.add(text);
    found.add(decodePercent(text));
  };

  if (parsed.password) add(parsed.password);
  const segments = parsed.pathname
    .split("/")
    .filter((segment) => isTokenLike(decodePercent(segment)));
  segments.forEach(add);
  const query = parsed.search.slice(1);
  for (const [name, value] of parsed.searchParams) {
    if (isTokenLike(value) || (SECRET_QUERY_NAME.test(name) && value)) add(value);
  }
  if (query) add(query);
  if (segments.length > 0) add(parsed.pathname);
  if (segments.length > 0 || query) add(`${parsed.pathname}${parsed.search}`);
  return [...found];
}

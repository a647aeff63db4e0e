import { createHash, timingSafeEqual } from "node:crypto";

const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

/**
 * A check of candidates against `tokens`, whose digests are taken once. A candidate matches
 * when it equals one of them: both sides are hashed to equal length and compared in constant
 * time, and every token is compared, so neither the length nor the position of a match shows
 * in the timing.
 */
export function tokenMatcher(
  tokens: readonly string[],
): (candidate: string | undefined) => boolean {
  const digests = tokens.map(digest);
  return (candidate) => {
    if (candidate === undefined || candidate === "") return false;
    const given = digest(candidate);
    let matched = false;
    for (const known of digests) matched = timingSafeEqual(given, known) || matched;
    return matched;
  };
}

/** True when `candidate` equals one of `tokens` (tokenMatcher, for a check made once). */
export function tokensMatch(candidate: string | undefined, tokens: readonly string[]): boolean {
  return tokenMatcher(tokens)(candidate);
}

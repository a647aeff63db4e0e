import { createHash, timingSafeEqual } from "node:crypto";

const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

/**
 * True when `candidate` equals one of `tokens`. Both sides are hashed to equal length and
 * compared in constant time, and every token is compared, so neither the length nor the
 * position of a match shows in the timing.
 */
export function tokensMatch(candidate: string | undefined, tokens: readonly string[]): boolean {
  if (candidate === undefined || candidate === "") return false;
  const given = digest(candidate);
  let matched = false;
  for (const token of tokens) matched = timingSafeEqual(given, digest(token)) || matched;
  return matched;
}

/** "sha256:0123456789ab" for a long digest: enough to tell images apart in a list. */
export function shortDigest(digest: string | undefined): string | null {
  if (!digest) return null;
  const [algorithm, hex = ""] = digest.split(":", 2);
  return hex.length > 12 ? `${algorithm}:${hex.slice(0, 12)}` : digest;
}

/** Replaces each secret, raw and as it appears inside JSON or a URL, with "[REDACTED]". */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    for (const form of new Set([
      secret,
      JSON.stringify(secret).slice(1, -1),
      encodeURIComponent(secret),
    ])) {
      if (form.length > 0 && out.includes(form)) out = out.split(form).join("[REDACTED]");
    }
  }
  return out;
}

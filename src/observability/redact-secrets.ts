/** Replaces each secret, raw and as it appears inside JSON or a URL, with "[REDACTED]". */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  return compileRedaction(secrets)(text);
}

/**
 * redactSecrets for one set of secrets, their forms worked out once: the logger redacts every
 * line it writes, and building the forms per line cost more than the search.
 */
export function compileRedaction(secrets: readonly string[]): (text: string) => string {
  const forms = [
    ...new Set(
      secrets.flatMap((secret) => [
        secret,
        JSON.stringify(secret).slice(1, -1),
        encodeURIComponent(secret),
      ]),
    ),
  ].filter((form) => form.length > 0);
  if (forms.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const form of forms) {
      if (out.includes(form)) out = out.split(form).join("[REDACTED]");
    }
    return out;
  };
}

/** Why Docker work for a run could not be done; each ends the run `errored`. */
export type DockerErrorCode =
  | "docker_unreachable"
  | "docker_timeout"
  | "unknown_runtime"
  | "image_not_found"
  | "registry_unreachable"
  | "registry_unauthorized"
  | "pull_timeout"
  | "pull_failed"
  | "push_failed"
  | "no_command"
  | "bad_test_label"
  | "service_failed"
  | "test_file"
  | "docker_failed";

/** An error with a code and a one-line reason a user can act on. */
export class DockerError extends Error {
  constructor(
    readonly code: DockerErrorCode,
    message: string,
  ) {
    super(oneLine(message));
    this.name = "DockerError";
  }
}

const MAX_REASON = 300;

export function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > MAX_REASON ? `${line.slice(0, MAX_REASON - 1)}…` : line;
}

/** The engine's own message inside a dockerode error ("(HTTP code 404) unexpected - ..."). */
export function engineMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const json = (error as { json?: unknown }).json;
  if (json && typeof json === "object" && "message" in json && typeof json.message === "string") {
    return json.message;
  }
  return /^\(HTTP code \d+\) [^-]*- ([\s\S]*)$/.exec(error.message)?.[1]?.trim() ?? error.message;
}

/** Socket-level failures: the engine itself did not answer, or TLS with it failed. */
export function isEngineUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === "string" &&
    (["ENOENT", "ECONNREFUSED", "EACCES", "ECONNRESET", "EHOSTUNREACH", "ETIMEDOUT"].includes(
      code,
    ) ||
      tlsProblem(error) !== undefined)
  );
}

/** Node's codes for an engine certificate that does not verify. */
const UNTRUSTED = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** What went wrong in a TLS handshake with the engine, in words naming the setting to fix. */
export function tlsProblem(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return undefined;
  if (
    /^ERR_SSL_.*ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|CERTIFICATE_UNKNOWN)$/.test(
      code,
    )
  ) {
    return "the engine refused pushgate's client certificate (it runs with --tlsverify: set docker.tls.cert and key to a certificate its CA signed)";
  }
  if (UNTRUSTED.has(code))
    return `the engine's certificate is not trusted (${code}): check docker.tls.ca`;
  if (code.startsWith("ERR_SSL_") || code === "EPROTO") return `TLS failed (${code})`;
  return undefined;
}

/**
 * Classifies a failed pull from the engine's message: a registry that is down, refuses the
 * credentials or does not know the tag each get a reason saying so.
 */
export function pullError(reference: string, error: unknown, dockerHost: string): DockerError {
  if (error instanceof DockerError) return error;
  if (isEngineUnreachable(error)) return engineUnreachable(dockerHost, error);
  const message = engineMessage(error);
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (/unauthorized|authentication required|denied|no basic auth credentials/i.test(message))
    return new DockerError(
      "registry_unauthorized",
      `registry refused access to ${reference} (check registries[].username/password): ${message}`,
    );
  if (status === 404 || /manifest unknown|not found/i.test(message))
    return new DockerError("image_not_found", `image not found: ${reference} (${message})`);
  if (/dial tcp|connection refused|no such host|i\/o timeout|TLS handshake|EOF$/i.test(message))
    return new DockerError(
      "registry_unreachable",
      `registry unreachable for ${reference}: ${message}`,
    );
  return new DockerError("pull_failed", `pull of ${reference} failed: ${message}`);
}

/**
 * Classifies a failed push from the engine's message: refused credentials, a registry that
 * is down or failing (5xx), or anything else (the registry's own words).
 */
export function pushError(reference: string, error: unknown, dockerHost: string): DockerError {
  if (error instanceof DockerError) return error;
  if (isEngineUnreachable(error)) return engineUnreachable(dockerHost, error);
  const message = engineMessage(error);
  if (/unauthorized|authentication required|denied|no basic auth credentials/i.test(message)) {
    return new DockerError(
      "registry_unauthorized",
      `registry refused to take ${reference} (check registries[].username/password): ${message}`,
    );
  }
  if (
    /dial tcp|connection refused|no such host|i\/o timeout|TLS handshake|EOF$|unexpected HTTP status: 5\d\d|5\d\d (Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)/i.test(
      message,
    )
  ) {
    return new DockerError(
      "registry_unreachable",
      `registry unreachable for ${reference}: ${message}`,
    );
  }
  return new DockerError("push_failed", `push of ${reference} failed: ${message}`);
}

export function engineUnreachable(dockerHost: string, error: unknown): DockerError {
  const tls = tlsProblem(error);
  if (tls)
    return new DockerError("docker_unreachable", `TLS with Docker at ${dockerHost} failed: ${tls}`);
  const code = (error as { code?: unknown } | null)?.code;
  return new DockerError(
    "docker_unreachable",
    `Docker unreachable at ${dockerHost} (${typeof code === "string" ? code : engineMessage(error)})`,
  );
}

/** Any other engine failure during a step ("create test container", "start service db"). */
export function dockerFailure(step: string, error: unknown, dockerHost: string): DockerError {
  if (error instanceof DockerError) return error;
  if (isEngineUnreachable(error)) return engineUnreachable(dockerHost, error);
  return new DockerError("docker_failed", `${step} failed: ${engineMessage(error)}`);
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  /** Already serialized (JSON or form). */
  body?: string;
  /** The whole call, connect to last byte. */
  timeoutMs: number;
  signal: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; a repeated header (set-cookie) as an array. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Why a call got no HTTP answer at all. */
export type TransportFailure =
  "timeout" | "refused" | "reset" | "unreachable" | "aborted" | "other";

export class TransportError extends Error {
  constructor(
    readonly failure: TransportFailure,
    message: string,
  ) {
    super(message);
    this.name = "TransportError";
  }
}

/**
 * The one way actions reach the network. It answers every HTTP status (a 4xx or 5xx is an
 * answer, not an exception), never follows redirects (a callback must not be bounced to a
 * host nobody allowed), and throws TransportError when no answer came.
 */
export interface HttpClient {
  send(request: HttpRequest): Promise<HttpResponse>;
}

/** The first value of a response header. */
export function headerOf(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

import axios, { AxiosError, type AxiosInstance } from "axios";
import {
  TransportError,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
  type TransportFailure,
} from "./http-client.js";

/** Largest response body read; Jenkins pages and hook answers are far smaller. */
const MAX_BODY_BYTES = 1024 * 1024;

const FAILURE_BY_CODE: Record<string, TransportFailure> = {
  ECONNREFUSED: "refused",
  ECONNRESET: "reset",
  EPIPE: "reset",
  ETIMEDOUT: "timeout",
  ECONNABORTED: "timeout",
  ESOCKETTIMEDOUT: "timeout",
  ENOTFOUND: "unreachable",
  EAI_AGAIN: "unreachable",
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
};

const DESCRIBE: Record<TransportFailure, string> = {
  timeout: "timed out",
  refused: "connection refused",
  reset: "connection reset",
  unreachable: "host unreachable",
  aborted: "aborted",
  other: "request failed",
};

/** HttpClient on axios: text bodies, no redirects, no proxy from the environment. */
export function createAxiosHttpClient(): HttpClient {
  const instance: AxiosInstance = axios.create({
    maxRedirects: 0,
    proxy: false,
    validateStatus: () => true,
    responseType: "text",
    transformResponse: [(data: unknown) => data],
    maxContentLength: MAX_BODY_BYTES,
    maxBodyLength: MAX_BODY_BYTES,
  });

  return {
    async send(request: HttpRequest): Promise<HttpResponse> {
      const deadline = AbortSignal.timeout(request.timeoutMs);
      const signal = AbortSignal.any([request.signal, deadline]);
      try {
        const response = await instance.request<string>({
          method: request.method,
          url: request.url,
          headers: request.headers,
          data: request.body,
          timeout: request.timeoutMs,
          signal,
        });
        const headers: HttpResponse["headers"] = {};
        for (const [name, value] of Object.entries(response.headers as Record<string, unknown>)) {
          if (typeof value === "string") headers[name.toLowerCase()] = value;
          else if (Array.isArray(value)) headers[name.toLowerCase()] = value.map(String);
          else if (typeof value === "number") headers[name.toLowerCase()] = String(value);
        }
        return { status: response.status, headers, body: String(response.data ?? "") };
      } catch (error) {
        throw toTransportError(error, request, deadline.aborted);
      }
    },
  };
}

function toTransportError(error: unknown, request: HttpRequest, timedOut: boolean): TransportError {
  const where = hostOf(request.url);
  if (request.signal.aborted)
    return new TransportError("aborted", `${DESCRIBE.aborted} (${where})`);
  if (timedOut) {
    return new TransportError("timeout", `no answer from ${where} within ${request.timeoutMs}ms`);
  }
  const code = error instanceof AxiosError ? (error.code ?? "") : "";
  const cause: NodeJS.ErrnoException | undefined =
    error instanceof AxiosError ? error.cause : undefined;
  const causeCode = cause?.code ?? "";
  const failure = FAILURE_BY_CODE[code] ?? FAILURE_BY_CODE[causeCode] ?? "other";
  if (failure === "timeout") {
    return new TransportError("timeout", `no answer from ${where} within ${request.timeoutMs}ms`);
  }
  const detail = failure === "other" && error instanceof Error ? `: ${error.message}` : "";
  return new TransportError(failure, `${DESCRIBE[failure]} (${where})${detail}`);
}

/** host:port only: paths and queries of action URLs may hold secrets. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "invalid URL";
  }
}

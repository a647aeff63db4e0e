import type { HttpResponse } from "./http-client.js";

const MAX_MESSAGE = 200;

const decode = (text: string): string =>
  text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

/**
 * A JSON error's words: `message` or `error`, with GitHub's validation `errors[].message`;
 * an object in their place (Azure's `{error: {code, message}}`, GitLab's
 * `{message: {description: ["is too long"]}}`) read as well.
 */
function jsonMessage(json: Record<string, unknown>): string | undefined {
  const main = json.message ?? json.error;
  if (typeof main === "string") {
    const details = (Array.isArray(json.errors) ? (json.errors as unknown[]) : [])
      .map((item) => (item as { message?: unknown } | null)?.message)
      .filter((text): text is string => typeof text === "string");
    return details.length > 0 ? `${main}: ${details.join("; ")}` : main;
  }
  if (main === null || typeof main !== "object") return undefined;
  const inner = main as Record<string, unknown>;
  if (typeof inner.message === "string") {
    return typeof inner.code === "string" ? `${inner.code}: ${inner.message}` : inner.message;
  }
  return Object.entries(inner)
    .map(([key, value]) => `${key} ${Array.isArray(value) ? value.join(", ") : String(value)}`)
    .join("; ");
}

/**
 * The server's own words for an answer, in one line. Jenkins answers errors with Jetty's
 * page, `<title>Error 409 web is not buildable</title>`: its title without the "Error 409"
 * is the message. JSON answers give their message or error (jsonMessage); anything else its
 * text.
 */
export function answerMessage(response: HttpResponse): string {
  const body = response.body.trim();
  const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1];
  let message: string | undefined;
  if (title !== undefined) {
    message = decode(title).replace(/^\s*Error\s+\d{3}\s*/i, "");
  } else if (body.startsWith("{")) {
    try {
      message = jsonMessage(JSON.parse(body) as Record<string, unknown>);
    } catch {
      // not JSON after all
    }
  }
  message ??= decode(body.replace(/<[^>]*>/g, " "));
  const line = message.replace(/\s+/g, " ").trim();
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 1)}…` : line;
}

/** "HTTP 409: web is not buildable", or "HTTP 502" when the body says nothing. */
export function describeAnswer(response: HttpResponse): string {
  const message = answerMessage(response);
  return message ? `HTTP ${response.status}: ${message}` : `HTTP ${response.status}`;
}

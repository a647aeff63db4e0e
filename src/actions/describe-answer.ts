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
 * The server's own words for an answer, in one line. Jenkins answers errors with Jetty's
 * page, `<title>Error 409 web is not buildable</title>`: its title without the "Error 409"
 * is the message. JSON answers give their message or error field; anything else its text.
 */
export function answerMessage(response: HttpResponse): string {
  const body = response.body.trim();
  const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1];
  let message: string | undefined;
  if (title !== undefined) {
    message = decode(title).replace(/^\s*Error\s+\d{3}\s*/i, "");
  } else if (body.startsWith("{")) {
    try {
      const json = JSON.parse(body) as Record<string, unknown>;
      const field = json.message ?? json.error;
      if (typeof field === "string") message = field;
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

import { startStandinServer, type StandinRequest, type StandinServer } from "./standin-server.js";

export interface DiscordStandin extends StandinServer {
  /** The webhook's URL, with its token. */
  webhookUrl: string;
  /** Messages the channel got, in order. */
  messages: { embeds: Record<string, unknown>[]; at: number }[];
}

/** Discord's embed limits: title 256, description 4096, 25 fields of 256/1024, 6000 in all. */
function embedProblem(embed: Record<string, unknown>): string | undefined {
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  if (text(embed.title).length > 256) return "title";
  if (text(embed.description).length > 4096) return "description";
  const fields = Array.isArray(embed.fields) ? (embed.fields as Record<string, unknown>[]) : [];
  if (fields.length > 25) return "fields";
  if (
    fields.some(
      (f) =>
        !text(f.name) || !text(f.value) || text(f.name).length > 256 || text(f.value).length > 1024,
    )
  ) {
    return "fields";
  }
  const total = [embed.title, embed.description, ...fields.flatMap((f) => [f.name, f.value])]
    .map(text)
    .join("").length;
  return total > 6000 ? "embeds" : undefined;
}

/**
 * Discord's "Execute Webhook" as its developer documentation describes it: `POST
 * /api/webhooks/{id}/{token}` with JSON `content` and/or `embeds` (at most 10, within the
 * embed limits), 204 No Content (200 with the message when `?wait=true`). Errors are JSON
 * `{"message", "code"}`: 404 Unknown Webhook (10015), 401 Invalid Webhook Token (50027), 400
 * Cannot send an empty message (50006) or Invalid Form Body (50035). Rate limits per the
 * webhook's bucket: X-RateLimit-* headers on every answer and, past `limit` requests in
 * `windowMs`, 429 with `retry_after` (seconds) in the body and Retry-After, until the window
 * resets.
 */
export async function startDiscordStandin(
  rate: { limit: number; windowMs: number } = { limit: 5, windowMs: 2000 },
): Promise<DiscordStandin> {
  const id = "1234567890123456789";
  const token = "aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5zA7bC9dE1fG3hI5jK7lM9nO1pQ3r";
  const messages: DiscordStandin["messages"] = [];
  let windowStart = 0;
  let used = 0;
  const handle = (request: StandinRequest) => {
    const route = /^\/api\/webhooks\/(\d+)\/([^/]+)$/.exec(request.path);
    if (!route || route[1] !== id)
      return { status: 404, body: { message: "Unknown Webhook", code: 10015 } };
    if (route[2] !== token)
      return { status: 401, body: { message: "Invalid Webhook Token", code: 50027 } };
    const now = Date.now();
    if (now - windowStart >= rate.windowMs) {
      windowStart = now;
      used = 0;
    }
    const resetAfter = (windowStart + rate.windowMs - now) / 1000;
    const limits = {
      "x-ratelimit-limit": String(rate.limit),
      "x-ratelimit-remaining": String(Math.max(0, rate.limit - used - 1)),
      "x-ratelimit-reset-after": resetAfter.toFixed(3),
      "x-ratelimit-bucket": "standin-webhook-bucket",
    };
    if (used >= rate.limit) {
      return {
        status: 429,
        headers: {
          ...limits,
          "retry-after": String(Math.ceil(resetAfter)),
          "x-ratelimit-scope": "shared",
        },
        body: {
          message: "You are being rate limited.",
          retry_after: Number(resetAfter.toFixed(3)),
          global: false,
        },
      };
    }
    used += 1;
    const body = request.json as { content?: unknown; embeds?: unknown } | undefined;
    const embeds = Array.isArray(body?.embeds) ? (body.embeds as Record<string, unknown>[]) : [];
    if (!body || (!body.content && embeds.length === 0)) {
      return {
        status: 400,
        headers: limits,
        body: { message: "Cannot send an empty message", code: 50006 },
      };
    }
    const problem = embeds.length > 10 ? "embeds" : embeds.map(embedProblem).find(Boolean);
    if (problem) {
      return {
        status: 400,
        headers: limits,
        body: {
          message: "Invalid Form Body",
          code: 50035,
          errors: {
            embeds: {
              _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: `${problem} is too long` }],
            },
          },
        },
      };
    }
    messages.push({ embeds, at: now });
    return request.query.get("wait") === "true"
      ? { status: 200, headers: limits, body: { id: String(messages.length), embeds } }
      : { status: 204, headers: limits };
  };
  const server = await startStandinServer(handle);
  return { ...server, webhookUrl: `${server.url}/api/webhooks/${id}/${token}`, messages };
}

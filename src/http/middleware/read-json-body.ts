import express, { type RequestHandler } from "express";
import { HttpError } from "../http-error.js";

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

/** The raw body, kept for signature checks next to the parsed one. */
export interface JsonBody {
  raw: Buffer;
  parsed: unknown;
}

/**
 * Reads the body up to `limitBytes` (413 past it), insists on JSON — a declared JSON media
 * type (application/json, application/*+json), or no declared type and a body that parses —
 * and leaves `{ raw, parsed }` in `res.locals.body`. A declared other type or a charset other
 * than UTF-8 is 415; a declared JSON type with a body that does not parse is 400.
 */
export function readJsonBody(limitBytes: number): RequestHandler[] {
  return [readRawBody(limitBytes), parseJsonBody];
}

/** The first half of readJsonBody: the raw bytes, up to `limitBytes`, in `req.body`. */
export function readRawBody(limitBytes: number): RequestHandler {
  return express.raw({ type: () => true, limit: limitBytes });
}

/** The second half of readJsonBody: media type check and JSON parse of the raw bytes. */
export const parseJsonBody: RequestHandler = (req, res, next) => {
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const declared = req.get("content-type");
  const mediaType = declared?.split(";")[0]?.trim() ?? "";
  const isJsonType = JSON_TYPE.test(mediaType);
  if (declared !== undefined && mediaType !== "" && !isJsonType) {
    next(
      new HttpError(415, "unsupported_media_type", `body must be JSON, not ${mediaType}`, {
        accepted: ["application/json", "application/*+json"],
      }),
    );
    return;
  }
  if (raw.length === 0) {
    next(
      new HttpError(400, "invalid_payload", "body is empty; a JSON object is required", {
        problems: [{ path: "(root)", message: "required" }],
      }),
    );
    return;
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(declared ?? "")?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
    next(
      new HttpError(415, "unsupported_media_type", `JSON must be UTF-8, not ${charset}`, {
        accepted: ["application/json; charset=utf-8"],
      }),
    );
    return;
  }
  let parsed: unknown;
  try {
    // RFC 8259 lets a parser ignore a byte order mark; JSON.parse does not.
    const text = raw.toString("utf8");
    parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    next(
      isJsonType
        ? new HttpError(400, "invalid_json", `body is not valid JSON: ${reason}`, {
            problems: [{ path: "(root)", message: `not valid JSON: ${reason}` }],
          })
        : new HttpError(415, "unsupported_media_type", "body is not JSON", {
            accepted: ["application/json", "application/*+json"],
          }),
    );
    return;
  }
  res.locals.body = { raw, parsed } satisfies JsonBody;
  next();
};

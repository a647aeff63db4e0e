import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import type { Logger } from "../../observability/logger.js";
import { decodePercent } from "../../observability/decode-percent.js";

/**
 * The URL with every segment after a `…-webhook` prefix (other than "notify") and the value
 * of every query key ending in "token" masked, however they are percent-encoded or repeated.
 */
export function maskPath(url: string): string {
  const queryAt = url.indexOf("?");
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  const segments = path.split("/");
  const maskedPath = /^[a-z]+-webhook$/i.test(decodePercent(segments[1] ?? ""))
    ? segments
        .map((segment, i) =>
          i < 2 || segment === "" || decodePercent(segment).toLowerCase() === "notify"
            ? segment
            : "***",
        )
        .join("/")
    : path;
  if (queryAt < 0) return maskedPath;
  const query = url
    .slice(queryAt + 1)
    .split("&")
    .map((pair) => {
      const equals = pair.indexOf("=");
      const key = equals < 0 ? pair : pair.slice(0, equals);
      return equals >= 0 && /token$/i.test(decodePercent(key.replace(/\+/g, " ")).trim())
        ? `${key}=***`
        : pair;
    })
    .join("&");
  return `${maskedPath}?${query}`;
}

/** One JSON line per request: method, masked path, status, duration, request id. */
export function logRequests(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    res.locals.requestId = requestId;
    res.locals.logPath = maskPath(req.originalUrl);
    res.setHeader("X-Request-Id", requestId);
    res.on("finish", () => {
      logger.info("request", {
        requestId,
        method: req.method,
        path: res.locals.logPath as string,
        status: res.statusCode,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        outcome: res.locals.outcome as string | undefined,
      });
    });
    next();
  };
}

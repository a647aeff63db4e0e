import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import type { Logger } from "../../observability/logger.js";

/** The path with any webhook token segment and `token=` query value masked. */
export function maskPath(url: string): string {
  return url
    .replace(/^(\/[a-z]+-webhook\/)(?!notify(?:[/?]|$))[^/?]+/i, "$1***")
    .replace(/([?&]token=)[^&]*/gi, "$1***");
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

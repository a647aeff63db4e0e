import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "../../observability/logger.js";
import { PayloadError } from "../../sources/payload-error.js";
import { StoreUnavailableError } from "../../store/store-unavailable-error.js";
import { HttpError } from "../http-error.js";

/** Errors raised by Express's body reading, as the answers a sender should get. */
function fromBodyParser(error: {
  type?: unknown;
  limit?: unknown;
  message?: unknown;
  status?: unknown;
  expose?: unknown;
}): HttpError | undefined {
  switch (error.type) {
    case "entity.too.large":
      return new HttpError(413, "payload_too_large", `body exceeds ${String(error.limit)} bytes`);
    case "encoding.unsupported":
    case "charset.unsupported":
      return new HttpError(415, "unsupported_media_type", String(error.message));
    case "request.aborted":
    case "request.size.invalid":
      return new HttpError(400, "bad_request", String(error.message));
    default:
      // A body that does not inflate as its Content-Encoding says (zlib and brotli errors
      // carry no type, only their status).
      if (typeof error.status === "number" && error.status >= 400 && error.status < 500) {
        return new HttpError(
          400,
          "bad_request",
          `the body could not be read as sent: ${String(error.message)}`,
        );
      }
      return undefined;
  }
}

/** Chooses the status of every failed request in one place. Never a 500 for a sender's mistake. */
export function handleErrors(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    let answer: HttpError;
    if (error instanceof HttpError) answer = error;
    else if (error instanceof PayloadError) {
      answer = new HttpError(400, "invalid_payload", error.message, { problems: error.problems });
    } else if (error instanceof StoreUnavailableError) {
      answer = new HttpError(
        503,
        "store_unavailable",
        "the run store is unavailable; retry later",
        {},
        {
          "Retry-After": "5",
        },
      );
      logger.error("store unavailable", {
        error: error.message,
        path: res.locals.logPath as string,
      });
    } else {
      const known = typeof error === "object" && error !== null ? fromBodyParser(error) : undefined;
      if (known) answer = known;
      else {
        logger.error("unhandled error", {
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          method: req.method,
          path: res.locals.logPath as string,
        });
        answer = new HttpError(500, "internal_error", "internal error");
      }
    }
    res
      .status(answer.status)
      .set(answer.headers)
      .json({
        error: answer.code,
        message: answer.message,
        ...answer.details,
      });
  };
}

/** 404 for any path pushgate does not serve. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(
    new HttpError(
      404,
      "not_found",
      `no route for ${req.method} ${req.path.split("/").slice(0, 2).join("/")}`,
    ),
  );
};

import type { RequestHandler } from "express";
import { HttpError } from "../http-error.js";

/** 405 with the methods a route does serve. */
export function methodNotAllowed(allowed: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    next(
      new HttpError(
        405,
        "method_not_allowed",
        `${req.method} is not served here; use ${allowed.join(", ")}`,
        {},
        {
          Allow: allowed.join(", "),
        },
      ),
    );
  };
}

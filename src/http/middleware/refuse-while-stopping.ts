import type { RequestHandler } from "express";
import { HttpError } from "../http-error.js";
import { webhookSourceOf } from "../webhook-source.js";

/** Seconds a sender is asked to wait while pushgate restarts. */
export const STOPPING_RETRY_AFTER_S = 10;

/**
 * While pushgate shuts down it takes no new work: webhooks and run retries get 503 with
 * Retry-After (registries that retry deliver them to the next process), and the connection
 * is closed. Reading runs, following logs and cancelling still work until the server closes.
 */
export function refuseWhileStopping(isStopping: () => boolean): RequestHandler {
  return (req, res, next) => {
    const newWork =
      webhookSourceOf(req.path) !== undefined ||
      (req.method === "POST" && /^\/api\/runs\/[^/]+\/retry$/.test(req.path));
    if (!isStopping() || !newWork) {
      next();
      return;
    }
    res.set("Connection", "close");
    next(
      new HttpError(
        503,
        "shutting_down",
        "pushgate is shutting down; nothing was recorded, retry later",
        {},
        { "Retry-After": String(STOPPING_RETRY_AFTER_S) },
      ),
    );
  };
}

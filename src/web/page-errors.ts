import type { ErrorRequestHandler, RequestHandler } from "express";
import { HttpError } from "../http/http-error.js";
import type { Logger } from "../observability/logger.js";
import { StoreUnavailableError } from "../store/store-unavailable-error.js";
import { pageFrame } from "./page-frame.js";
import { pageSecurity } from "./page-security.js";
import type { Renderer } from "./render-page.js";

/** A page's error as a page, not JSON: its status, a title and a sentence. */
export function pageErrors(render: Renderer, logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    let status: number;
    let message: string;
    if (error instanceof HttpError) {
      status = error.status;
      message = error.message;
      res.set(error.headers);
    } else if (error instanceof StoreUnavailableError) {
      status = 503;
      message = "The run store cannot be reached just now. Try again in a moment.";
      res.set("Retry-After", "5");
      logger.error("store unavailable", { error: error.message, path: req.path });
    } else if (isClientError(error)) {
      status = error.status;
      message = "The form could not be read.";
    } else {
      status = 500;
      message = "Something went wrong on pushgate's side; it is in the log.";
      logger.error("unhandled error", {
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        method: req.method,
        path: req.path,
      });
    }
    render.page(
      res,
      "error.njk",
      pageFrame(res, TITLES[status] ?? "Error"),
      { status, title: TITLES[status] ?? "Error", message },
      status,
    );
  };
}

/** The dashboard's pages and forms (not its scripts, styles and badges). */
const PAGE_PATHS = /^\/(?:$|(?:runs|pipelines|queue|sign-in|sign-out)(?:\/|$))/;

/**
 * Errors raised before the dashboard's routes ran (an address refused for guessing tokens):
 * a page, with the pages' headers, when a browser asked for a page of the dashboard; JSON
 * (the next handler) for /api, webhooks and everything else.
 */
export function earlyPageErrors(render: Renderer, logger: Logger): ErrorRequestHandler {
  const security = pageSecurity();
  const showError = pageErrors(render, logger);
  return (error: unknown, req, res, next) => {
    if (!PAGE_PATHS.test(req.path) || req.accepts(["json", "html"]) !== "html") {
      next(error);
      return;
    }
    security(req, res, () => showError(error, req, res, next));
  };
}

/** A GET from a browser for a path nothing serves: a page saying so (others get JSON). */
export function pageNotFound(render: Renderer): RequestHandler {
  return (req, res, next) => {
    if (req.method !== "GET" || req.accepts(["json", "html"]) !== "html") {
      next();
      return;
    }
    const title = TITLES[404] ?? "";
    render.page(
      res,
      "error.njk",
      pageFrame(res, title),
      { status: 404, title, message: "pushgate has no page here." },
      404,
    );
  };
}

const TITLES: Record<number, string> = {
  400: "Bad request",
  403: "Refused",
  404: "Not found",
  409: "Not possible now",
  413: "Too large",
  429: "Too many requests",
  503: "Unavailable",
};

/** Express's body reading errors carry the 4xx status to answer. */
function isClientError(error: unknown): error is { status: number } {
  if (typeof error !== "object" || error === null || !("status" in error)) return false;
  const { status } = error;
  return typeof status === "number" && status >= 400 && status < 500;
}

import type { RequestHandler, Response } from "express";
import { createRequire } from "node:module";
import type { RateLimiterMemory as MemoryLimiter } from "rate-limiter-flexible";
import { formatDuration } from "../../config/format-duration.js";
import type { Logger } from "../../observability/logger.js";
import { HttpError } from "../http-error.js";

/** The in-memory limiter alone: the package's index loads every backend it has (about 9 MB). */
const RateLimiterMemory = createRequire(import.meta.url)(
  "rate-limiter-flexible/lib/RateLimiterMemory.js",
) as typeof MemoryLimiter;

export interface TokenGuessOptions {
  logger: Logger;
  /** Told of each wrong token, and of each address locked out. */
  count: { wrongToken(): void; lockedOut(): void };
  /** Wrong tokens an address may give within `windowMs` (default 20 a minute). */
  attempts?: number;
  windowMs?: number;
}

/** Marks the request as one that gave a token, and a wrong one: it counts against its address. */
export function markWrongToken(res: Response): void {
  res.locals.wrongToken = true;
}

/**
 * Slows down guessing of webhook, API and metrics tokens: an address that gave `attempts`
 * wrong tokens (see markWrongToken) within `windowMs` of its first is answered 429 with
 * Retry-After for the rest of that window, whatever it sends, right tokens included: a
 * right guess must not get through. Other addresses are not affected. The address is the
 * connection's, or the client's from X-Forwarded-For when `trustProxy` says so (req.ip).
 * The lockout is logged once per window and counted.
 */
export function limitTokenGuesses(options: TokenGuessOptions): RequestHandler {
  const attempts = options.attempts ?? 20;
  const windowMs = options.windowMs ?? 60_000;
  const limiter = new RateLimiterMemory({ points: attempts, duration: windowMs / 1000 });
  return (req, res, next) => {
    const address = req.ip ?? req.socket.remoteAddress ?? "unknown";
    limiter.get(address).then(
      (state) => {
        if (state && state.consumedPoints >= attempts) {
          const seconds = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
          next(
            new HttpError(
              429,
              "too_many_wrong_tokens",
              `${attempts} wrong tokens from this address within ${formatDuration(windowMs)}; retry in ${seconds} s`,
              {},
              { "Retry-After": String(seconds) },
            ),
          );
          return;
        }
        res.on("finish", () => {
          if (res.locals.wrongToken !== true) return;
          options.count.wrongToken();
          void limiter.penalty(address).then((after) => {
            if (after.consumedPoints !== attempts) return;
            options.count.lockedOut();
            options.logger.warn(
              "too many wrong tokens: address refused for the rest of the window",
              {
                address,
                attempts,
                retryAfterS: Math.ceil(after.msBeforeNext / 1000),
              },
            );
          });
        });
        next();
      },
      (error: unknown) => next(error),
    );
  };
}

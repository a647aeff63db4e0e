import type { RequestHandler } from "express";
import { HttpError } from "../http-error.js";
import { bearerToken } from "./bearer-token.js";
import { markWrongToken } from "./limit-token-guesses.js";
import { tokenMatcher } from "./tokens-match.js";

/**
 * Accepts a webhook whose token is one of `tokens`, given as the `:token` path segment,
 * `?token=`, or `Authorization: Bearer`; with `rawAuthorization`, also as the whole
 * Authorization header (Harbor sends its configured auth header verbatim). Anything else is
 * 403 before the body is read; a token that was given and is wrong counts against the
 * sender's address (limitTokenGuesses).
 */
export function requireWebhookToken(
  tokens: readonly string[],
  options: { rawAuthorization?: boolean } = {},
): RequestHandler {
  const matches = tokenMatcher(tokens);
  return (req, res, next) => {
    const authorization = req.get("authorization");
    const fromPath = typeof req.params.token === "string" ? req.params.token : undefined;
    const fromQuery = typeof req.query.token === "string" ? req.query.token : undefined;
    const candidates = [fromPath, fromQuery, bearerToken(authorization)];
    if (options.rawAuthorization) candidates.push(authorization?.trim());
    if (candidates.some(matches)) {
      next();
      return;
    }
    if (candidates.some((candidate) => candidate !== undefined && candidate !== "")) {
      markWrongToken(res);
    }
    next(new HttpError(403, "forbidden", "missing or invalid webhook token"));
  };
}

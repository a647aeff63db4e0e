import type { RequestHandler } from "express";
import { HttpError } from "../http-error.js";
import { bearerToken } from "./bearer-token.js";
import { markWrongToken } from "./limit-token-guesses.js";
import { tokenMatcher } from "./tokens-match.js";

/**
 * Guards a route with `Authorization: Bearer <token>`: 401 without one, 403 (counted as a
 * wrong token) when it differs. `name` says which token in the answer ("API token").
 */
export function requireBearerToken(token: string, name: string): RequestHandler {
  const matches = tokenMatcher([token]);
  return (req, res, next) => {
    const given = bearerToken(req.get("authorization"));
    if (given === undefined) {
      next(
        new HttpError(
          401,
          "unauthorized",
          `send Authorization: Bearer <${name}>`,
          {},
          { "WWW-Authenticate": 'Bearer realm="pushgate"' },
        ),
      );
    } else if (!matches(given)) {
      markWrongToken(res);
      next(new HttpError(403, "forbidden", `invalid ${name}`));
    } else {
      next();
    }
  };
}

import type { RequestHandler } from "express";
import { HttpError } from "../http-error.js";
import { bearerToken } from "./bearer-token.js";
import { tokensMatch } from "./tokens-match.js";

/** Guards /api: `Authorization: Bearer <auth.apiToken>`, or 401/403. */
export function requireApiToken(apiToken: string): RequestHandler {
  return (req, _res, next) => {
    const given = bearerToken(req.get("authorization"));
    if (given === undefined) {
      next(
        new HttpError(
          401,
          "unauthorized",
          "send Authorization: Bearer <api token>",
          {},
          {
            "WWW-Authenticate": 'Bearer realm="pushgate"',
          },
        ),
      );
    } else if (!tokensMatch(given, [apiToken])) {
      next(new HttpError(403, "forbidden", "invalid API token"));
    } else {
      next();
    }
  };
}

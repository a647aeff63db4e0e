import type { RequestHandler, Response } from "express";
import type { SessionRecord } from "../../store/run-store.js";
import { sessionIdOf } from "./session-cookie.js";
import type { Sessions } from "./sessions.js";

/**
 * What a route does for a request without a live session. page: a GET is sent to the sign-in
 * page, which brings the person back after; live (fragments, streams, raw output): 401, for
 * the script to notice; form: back to sign-in, changing nothing.
 */
export type SessionUse = "page" | "live" | "form";

/** Lets the request through only with a live session, which res.locals then holds. */
export function requireSession(sessions: Sessions, use: SessionUse): RequestHandler {
  return async (req, res, next) => {
    const session = await sessions.find(sessionIdOf(req));
    if (session) {
      res.locals.session = session;
      next();
      return;
    }
    res.set("Cache-Control", "no-store");
    if (use === "live") {
      res.status(401).type("text/plain").send("signed out: sign in again\n");
      return;
    }
    const back = use === "page" && req.method === "GET" ? req.originalUrl : "/";
    res.redirect(
      303,
      back === "/" ? "/sign-in" : `/sign-in?${new URLSearchParams({ next: back }).toString()}`,
    );
  };
}

/** The session requireSession found for this request. */
export function sessionOf(res: Response): SessionRecord {
  const session = res.locals.session as SessionRecord | undefined;
  if (!session) throw new Error("no session: the route lacks requireSession");
  return session;
}

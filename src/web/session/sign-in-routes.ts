import express, { Router, type Request, type Response } from "express";
import { markWrongToken } from "../../http/middleware/limit-token-guesses.js";
import { tokensMatch } from "../../http/middleware/tokens-match.js";
import type { Logger } from "../../observability/logger.js";
import type { Renderer } from "../render-page.js";
import { formField, refuseForeignForms, requireFormToken } from "./check-form.js";
import { requireSession } from "./require-session.js";
import { clearSessionCookie, sessionIdOf, setSessionCookie } from "./session-cookie.js";
import type { Sessions } from "./sessions.js";

export interface SignInOptions {
  apiToken: string;
  sessions: Sessions;
  render: Renderer;
  logger: Logger;
  publicUrl?: string;
}

/** The sign-in form's body: a token and where to go after; nothing larger. */
export const readForm = express.urlencoded({ extended: false, limit: "4kb", parameterLimit: 10 });

/**
 * GET /sign-in, POST /sign-in (the API token, in a password field, starts a session) and
 * POST /sign-out (ends it). The token is never put in the cookie, a URL or a page.
 */
export function signInRoutes(options: SignInOptions): Router {
  const { sessions, render, logger } = options;
  const router = Router();

  router.get("/sign-in", async (req, res) => {
    const next = safeNext(req.query.next);
    if (await sessions.find(sessionIdOf(req))) res.redirect(303, next);
    else showSignIn(render, res, { next });
  });

  router.post("/sign-in", readForm, refuseForeignForms(options.publicUrl), async (req, res) => {
    const next = safeNext(formField(req, "next"));
    const address = addressOf(req);
    if (!tokensMatch(formField(req, "token"), [options.apiToken])) {
      // Counted with the wrong tokens the address gave the webhooks, /api and /metrics: too
      // many and every request of it is refused for a while (limitTokenGuesses).
      markWrongToken(res);
      logger.warn("dashboard sign-in refused: wrong token", { address });
      showSignIn(render, res, { next, problem: "That is not the API token.", status: 403 });
      return;
    }
    const { id } = await sessions.start();
    setSessionCookie(req, res, id);
    logger.info("dashboard sign-in", { address });
    res.redirect(303, next);
  });

  router.post(
    "/sign-out",
    readForm,
    refuseForeignForms(options.publicUrl),
    requireSession(sessions, "form"),
    requireFormToken,
    async (req, res) => {
      await sessions.end(sessionIdOf(req));
      clearSessionCookie(req, res);
      res.redirect(303, "/sign-in");
    },
  );

  return router;
}

/** The sign-in page, with what went wrong last time (never the token given). */
export function showSignIn(
  render: Renderer,
  res: Response,
  view: { next: string; problem?: string; status?: number },
): void {
  render.page(
    res,
    "sign-in.njk",
    { title: "Sign in", section: "", csrfToken: null },
    { next: view.next, problem: view.problem ?? null },
    view.status,
  );
}

/** Where to go after signing in: a path of this site only, never another site. */
export function safeNext(value: unknown): string {
  if (typeof value !== "string" || value.length > 2000) return "/";
  const local = value.startsWith("/") && !value.startsWith("//");
  // No backslash (some browsers read "/\\host" as another host), no space or control character.
  const plain = [...value].every((char) => char > " " && char !== "\\" && char !== "\x7f");
  return local && plain ? value : "/";
}

function addressOf(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? "unknown";
}

import { createHash } from "node:crypto";
import { parse } from "cookie";
import type { Request, Response } from "express";

export const SESSION_COOKIE = "pushgate_session";

/**
 * The cookie that carries a session id: HttpOnly (no script reads it), SameSite=Strict (no
 * other site's request carries it), Secure when the request came over HTTPS (req.secure:
 * X-Forwarded-Proto counts only when trustProxy says so), for the whole site. It has no
 * Max-Age: it lasts as long as the browser session, and the server ends it when idle.
 */
export function setSessionCookie(req: Request, res: Response, sessionId: string): void {
  res.cookie(SESSION_COOKIE, sessionId, {
    httpOnly: true,
    sameSite: "strict",
    secure: req.secure,
    path: "/",
  });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: "strict",
    secure: req.secure,
    path: "/",
  });
}

/** The session id the request's cookie carries, if any. */
export function sessionIdOf(req: Request): string | undefined {
  const header = req.get("cookie");
  if (!header) return undefined;
  const id = parse(header)[SESSION_COOKIE];
  return id === undefined || id === "" ? undefined : id;
}

/** What the store keeps of a session id: its SHA-256, never the id. */
export function hashSessionId(sessionId: string): string {
  return createHash("sha256").update(sessionId, "utf8").digest("hex");
}

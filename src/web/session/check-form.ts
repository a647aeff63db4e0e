import { timingSafeEqual } from "node:crypto";
import type { Request, RequestHandler } from "express";
import { HttpError } from "../../http/http-error.js";
import { sessionOf } from "./require-session.js";

const REFUSED =
  "This form did not come from a pushgate page of this session, so nothing was done. Go back, reload the page and try again.";

/**
 * Refuses a form POST another site made: its Origin (or, without one, its Referer) must be
 * this site's, as the request reached it or as publicUrl names it. Browsers send Origin with
 * every POST; a request with neither is refused too.
 */
export function refuseForeignForms(publicUrl?: string): RequestHandler {
  const configured = publicUrl ? new URL(publicUrl).origin : undefined;
  return (req, _res, next) => {
    const own = new Set([`${req.protocol}://${req.host}`, configured]);
    const origin = req.get("origin") ?? originOf(req.get("referer"));
    if (origin === undefined || !own.has(origin)) {
      next(new HttpError(403, "foreign_form", REFUSED, { origin: origin ?? null }));
      return;
    }
    next();
  };
}

/** The session's form token must come with the form (`_csrf`), compared in constant time. */
export const requireFormToken: RequestHandler = (req, res, next) => {
  const given = formField(req, "_csrf");
  const expected = Buffer.from(sessionOf(res).csrfToken);
  const candidate = Buffer.from(given ?? "");
  const same = candidate.length === expected.length && timingSafeEqual(candidate, expected);
  next(same ? undefined : new HttpError(403, "form_token", REFUSED));
};

/** A string field of an urlencoded form body. */
export function formField(req: Request, name: string): string | undefined {
  const body = req.body as Record<string, unknown> | undefined;
  const value = body?.[name];
  return typeof value === "string" ? value : undefined;
}

function originOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

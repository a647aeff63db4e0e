import { createHmac, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { HttpError } from "../http-error.js";
import { markWrongToken } from "./limit-token-guesses.js";

const SIGNATURE = /^sha256=([a-f0-9]{64})$/i;

/**
 * Checks GitHub's `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the raw body under
 * one of `secrets`, before the body is parsed. Every secret is tried, each comparison in
 * constant time, so the timing tells neither which secret matched nor how much of a
 * signature was right. Runs after the raw body was read and before it is parsed as JSON. A
 * signature that does not match counts as a wrong token (limitTokenGuesses).
 */
export function verifyGithubSignature(secrets: readonly string[]): RequestHandler {
  return (req, res, next) => {
    if (secrets.length === 0) {
      next(new HttpError(403, "forbidden", "GitHub webhooks are not enabled on this server"));
      return;
    }
    const given = SIGNATURE.exec(req.get("x-hub-signature-256") ?? "")?.[1];
    if (given === undefined) {
      next(new HttpError(403, "forbidden", "missing or malformed X-Hub-Signature-256"));
      return;
    }
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const expected = Buffer.from(given, "hex");
    let matched = false;
    for (const secret of secrets) {
      const actual = createHmac("sha256", secret).update(raw).digest();
      matched = timingSafeEqual(actual, expected) || matched;
    }
    if (matched) {
      next();
      return;
    }
    markWrongToken(res);
    next(new HttpError(403, "forbidden", "signature does not match"));
  };
}

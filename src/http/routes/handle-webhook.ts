import type { IncomingHttpHeaders } from "node:http";
import type { RequestHandler, Response } from "express";
import type { DeliveryIntake, DeliveryOutcome } from "../../pipeline/accept-delivery.js";
import type { ParseSource } from "../../sources/source.js";
import type { JsonBody } from "../middleware/read-json-body.js";

/** Header names in lower case, repeated headers joined as HTTP allows. */
export function plainHeaders(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name.toLowerCase(),
      Array.isArray(value) ? value.join(", ") : value,
    ]),
  );
}

/** Seconds a sender is asked to wait when the backlog is full. */
export const BACKLOG_RETRY_AFTER_S = 30;

/** The answer a sender gets for each outcome (DESIGN.md's table). */
export function answerDelivery(res: Response, outcome: DeliveryOutcome): void {
  res.locals.outcome = outcome.kind;
  switch (outcome.kind) {
    case "queued":
      res
        .status(202)
        .json({ status: "queued", runs: outcome.runIds, duplicates: outcome.duplicates });
      return;
    case "duplicate":
      res.status(200).json({ status: "duplicate", reason: "this push was already received" });
      return;
    case "promoted":
    case "no-match":
    case "no-events":
      res.status(200).json({
        status: "ignored",
        reason: outcome.ignored.join("; ") || "the delivery announced no tagged push",
      });
      return;
    case "backlog-full":
      res
        .status(429)
        .set("Retry-After", String(BACKLOG_RETRY_AFTER_S))
        .json({
          error: "backlog_full",
          message: `${outcome.backlog} runs are already queued (limits.backlog); nothing was recorded, retry later`,
        });
      return;
  }
}

/** Hands a checked JSON body to a source parser and records what it announced. */
export function handleWebhook(parse: ParseSource, intake: DeliveryIntake): RequestHandler {
  return async (req, res) => {
    const body = res.locals.body as JsonBody;
    const result = parse({
      headers: plainHeaders(req.headers),
      body: body.parsed,
      rawBody: body.raw,
    });
    answerDelivery(res, await intake.accept(result.events, result.ignored));
  };
}

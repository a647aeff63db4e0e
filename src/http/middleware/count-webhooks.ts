import type { RequestHandler } from "express";
import { webhookSourceOf } from "../webhook-source.js";

/** Counts every webhook request by source and the status it was answered with. */
export function countWebhooks(count: (source: string, status: number) => void): RequestHandler {
  return (req, res, next) => {
    const source = webhookSourceOf(req.path);
    if (source) res.on("finish", () => count(source, res.statusCode));
    next();
  };
}

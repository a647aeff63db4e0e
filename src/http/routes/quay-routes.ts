import type { Router } from "express";
import { parseQuay } from "../../sources/quay.js";
import {
  tokenWebhookRoutes,
  webhookPaths,
  type WebhookRouteOptions,
} from "./token-webhook-routes.js";

/** Quay's "Push to Repository" webhook at `/quay-webhook/<token>/notify` (Quay sends no headers of its own). */
export function quayRoutes(options: WebhookRouteOptions): Router {
  return tokenWebhookRoutes(webhookPaths("quay"), parseQuay, options);
}

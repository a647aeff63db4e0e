import type { Router } from "express";
import { parseHarbor } from "../../sources/harbor.js";
import {
  tokenWebhookRoutes,
  webhookPaths,
  type WebhookRouteOptions,
} from "./token-webhook-routes.js";

/**
 * Harbor's webhook (Default and CloudEvents formats) at `/harbor-webhook/...`. Harbor sends
 * the policy's "Auth Header" verbatim as `Authorization`, so the bare token is accepted
 * there as well as `Bearer <token>`, `?token=` and the path segment.
 */
export function harborRoutes(options: WebhookRouteOptions): Router {
  return tokenWebhookRoutes(webhookPaths("harbor"), parseHarbor, {
    ...options,
    rawAuthorization: true,
  });
}

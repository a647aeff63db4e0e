import { Router } from "express";
import { parseAcr } from "../../sources/acr.js";
import { parseRegistryV2 } from "../../sources/registry-v2.js";
import {
  tokenWebhookRoutes,
  webhookPaths,
  type WebhookRouteOptions,
} from "./token-webhook-routes.js";

/**
 * The distribution registry's notifications (`/dockerregistry-webhook/...`, the Jenkins
 * plugin's path) and Azure Container Registry's webhook (`/acr-webhook/...`). Registries
 * send the token as `Authorization: Bearer` from their endpoint's headers, so the paths
 * without a token segment are served too.
 */
export function registryRoutes(options: WebhookRouteOptions): Router {
  const router = Router();
  router.use(tokenWebhookRoutes(webhookPaths("dockerregistry"), parseRegistryV2, options));
  router.use(tokenWebhookRoutes(webhookPaths("acr"), parseAcr, options));
  return router;
}

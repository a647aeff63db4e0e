import type { Router } from "express";
import { parseDockerHub } from "../../sources/dockerhub.js";
import { tokenWebhookRoutes, type WebhookRouteOptions } from "./token-webhook-routes.js";

/** The Jenkins Docker Hub Notification plugin's paths, token in path, query or header. */
export const DOCKERHUB_PATHS = [
  "/dockerhub-webhook/:token/notify",
  "/dockerhub-webhook/:token",
  "/dockerhub-webhook",
];

export function dockerHubRoutes(options: WebhookRouteOptions): Router {
  return tokenWebhookRoutes(DOCKERHUB_PATHS, parseDockerHub, options);
}

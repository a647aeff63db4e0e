import { Router } from "express";
import type { DeliveryIntake } from "../../pipeline/accept-delivery.js";
import { parseDockerHub } from "../../sources/dockerhub.js";
import { readJsonBody } from "../middleware/read-json-body.js";
import { requireWebhookToken } from "../middleware/require-webhook-token.js";
import { handleWebhook } from "./handle-webhook.js";
import { methodNotAllowed } from "./method-not-allowed.js";

/** The Jenkins Docker Hub Notification plugin's paths, token in path, query or header. */
export const DOCKERHUB_PATHS = [
  "/dockerhub-webhook/:token/notify",
  "/dockerhub-webhook/:token",
  "/dockerhub-webhook",
];

export function dockerHubRoutes(options: {
  tokens: readonly string[];
  bodyLimitBytes: number;
  intake: DeliveryIntake;
}): Router {
  const router = Router();
  router.post(
    DOCKERHUB_PATHS,
    requireWebhookToken(options.tokens),
    ...readJsonBody(options.bodyLimitBytes),
    handleWebhook(parseDockerHub, options.intake),
  );
  router.all(DOCKERHUB_PATHS, methodNotAllowed(["POST"]));
  return router;
}

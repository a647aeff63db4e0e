import { Router } from "express";
import type { DeliveryIntake } from "../../pipeline/accept-delivery.js";
import { parseGhcr } from "../../sources/ghcr.js";
import { parseJsonBody, readRawBody } from "../middleware/read-json-body.js";
import { verifyGithubSignature } from "../middleware/verify-github-signature.js";
import { handleWebhook } from "./handle-webhook.js";
import { methodNotAllowed } from "./method-not-allowed.js";

export const GHCR_PATHS = ["/ghcr-webhook"];

/**
 * GitHub's package webhooks (GitHub Container Registry) at `/ghcr-webhook`. GitHub proves
 * itself with `X-Hub-Signature-256`, checked against `auth.githubWebhookSecret` on the raw
 * body before it is parsed; a webhook token is not needed.
 */
export function ghcrRoutes(options: {
  secrets: readonly string[];
  bodyLimitBytes: number;
  intake: DeliveryIntake;
}): Router {
  const router = Router();
  router.post(
    GHCR_PATHS,
    readRawBody(options.bodyLimitBytes),
    verifyGithubSignature(options.secrets),
    parseJsonBody,
    handleWebhook(parseGhcr, options.intake),
  );
  router.all(GHCR_PATHS, methodNotAllowed(["POST"]));
  return router;
}

import { Router } from "express";
import type { DeliveryIntake } from "../../pipeline/accept-delivery.js";
import type { ParseSource } from "../../sources/source.js";
import { readJsonBody } from "../middleware/read-json-body.js";
import { requireWebhookToken } from "../middleware/require-webhook-token.js";
import { handleWebhook } from "./handle-webhook.js";
import { methodNotAllowed } from "./method-not-allowed.js";

/** What every webhook route needs from the composition. */
export interface WebhookRouteOptions {
  tokens: readonly string[];
  bodyLimitBytes: number;
  intake: DeliveryIntake;
}

/**
 * POST routes for one payload format, authenticated by a webhook token (path segment,
 * `?token=`, Bearer, or with `rawAuthorization` the bare Authorization header), then size-
 * and type-checked, parsed by `parse` and recorded. Other methods get 405.
 */
export function tokenWebhookRoutes(
  paths: string[],
  parse: ParseSource,
  options: WebhookRouteOptions & { rawAuthorization?: boolean },
): Router {
  const router = Router();
  router.post(
    paths,
    requireWebhookToken(options.tokens, { rawAuthorization: options.rawAuthorization ?? false }),
    ...readJsonBody(options.bodyLimitBytes),
    handleWebhook(parse, options.intake),
  );
  router.all(paths, methodNotAllowed(["POST"]));
  return router;
}

/** `/<name>-webhook/<token>/notify`, and `/<name>-webhook/notify` and `/<name>-webhook` for a token sent as a header or query. */
export function webhookPaths(name: string): string[] {
  return [`/${name}-webhook/:token/notify`, `/${name}-webhook/notify`, `/${name}-webhook`];
}

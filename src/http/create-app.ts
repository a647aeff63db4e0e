import express, { type Express, type Router } from "express";
import type { Config } from "../config/config.js";
import type { Logger } from "../observability/logger.js";
import type { DeliveryIntake } from "../pipeline/accept-delivery.js";
import type { RunStore } from "../store/run-store.js";
import { handleErrors, notFound } from "./middleware/handle-errors.js";
import { logRequests } from "./middleware/log-requests.js";
import { apiRoutes } from "./routes/api-routes.js";
import { dockerHubRoutes } from "./routes/dockerhub-routes.js";
import { ghcrRoutes } from "./routes/ghcr-routes.js";
import { harborRoutes } from "./routes/harbor-routes.js";
import { healthRoutes, type ReadinessCheck } from "./routes/health-routes.js";
import { quayRoutes } from "./routes/quay-routes.js";
import { registryRoutes } from "./routes/registry-routes.js";

export interface AppDependencies {
  config: Config;
  logger: Logger;
  intake: DeliveryIntake;
  store: RunStore;
  readiness: readonly ReadinessCheck[];
  /** Further routers (sources, steering, metrics) mounted before the 404. */
  extraRoutes?: readonly Router[];
}

/** The Express app, without listening: transport only, every dependency passed in. */
export function createApp(deps: AppDependencies): Express {
  const { config, logger, intake, store } = deps;
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.use(logRequests(logger));
  app.use(healthRoutes(deps.readiness));
  const webhooks = {
    tokens: config.auth.webhookTokens,
    bodyLimitBytes: config.limits.bodyBytes,
    intake,
  };
  app.use(dockerHubRoutes(webhooks));
  app.use(registryRoutes(webhooks));
  app.use(harborRoutes(webhooks));
  app.use(quayRoutes(webhooks));
  app.use(
    ghcrRoutes({
      secrets: config.auth.githubWebhookSecrets,
      bodyLimitBytes: config.limits.bodyBytes,
      intake,
    }),
  );
  app.use(apiRoutes({ apiToken: config.auth.apiToken, store }));
  for (const router of deps.extraRoutes ?? []) app.use(router);
  app.use(notFound);
  app.use(handleErrors(logger));
  return app;
}

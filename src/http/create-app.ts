import express, { type Express, type Router } from "express";
import type { Config } from "../config/config.js";
import { collectSecrets } from "../config/collect-secrets.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import { redactSecrets } from "../observability/redact-secrets.js";
import type { DeliveryIntake } from "../pipeline/accept-delivery.js";
import type { LiveOutput } from "../pipeline/live-output.js";
import type { RunStore } from "../store/run-store.js";
import { countWebhooks } from "./middleware/count-webhooks.js";
import { handleErrors, notFound } from "./middleware/handle-errors.js";
import { limitTokenGuesses } from "./middleware/limit-token-guesses.js";
import { logRequests } from "./middleware/log-requests.js";
import { refuseWhileStopping } from "./middleware/refuse-while-stopping.js";
import { apiRoutes } from "./routes/api-routes.js";
import { dockerHubRoutes } from "./routes/dockerhub-routes.js";
import { ghcrRoutes } from "./routes/ghcr-routes.js";
import { harborRoutes } from "./routes/harbor-routes.js";
import { healthRoutes, type ReadinessCheck } from "./routes/health-routes.js";
import { quayRoutes } from "./routes/quay-routes.js";
import { metricsRoutes } from "./routes/metrics-routes.js";
import { registryRoutes } from "./routes/registry-routes.js";
import type { RunSteering } from "./routes/run-steering.js";

export interface AppDependencies {
  config: Config;
  logger: Logger;
  intake: DeliveryIntake;
  store: RunStore;
  readiness: readonly ReadinessCheck[];
  steering: RunSteering;
  live: LiveOutput;
  metrics: Metrics;
  /** With a store shared by replicas: how often a followed run executing elsewhere is read. */
  followPollMs?: number;
  /** True once pushgate is shutting down: no new work is taken. */
  isStopping: () => boolean;
  /** Further routers (sources, steering, metrics) mounted before the 404. */
  extraRoutes?: readonly Router[];
}

/** The Express app, without listening: transport only, every dependency passed in. */
export function createApp(deps: AppDependencies): Express {
  const { config, logger, intake, store } = deps;
  const app = express();
  app.disable("x-powered-by");
  // Answers are small JSON to POSTs and API reads; hashing each for an ETag costs more than a
  // conditional GET could save.
  app.set("etag", false);
  app.set("query parser", "simple");
  // Whose X-Forwarded-For names the client (req.ip): nobody's unless trustProxy says so.
  app.set("trust proxy", config.trustProxy);
  app.use(logRequests(logger));
  app.use(countWebhooks((source, status) => deps.metrics.webhookAnswered(source, status)));
  app.use(healthRoutes(deps.readiness, deps.isStopping));
  // Everything below needs a token: an address guessing them is refused for a while.
  app.use(limitTokenGuesses({ logger, count: deps.metrics }));
  app.use(metricsRoutes(deps.metrics, config.auth.metricsToken));
  app.use(refuseWhileStopping(deps.isStopping));
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
  const secrets = collectSecrets(config);
  app.use(
    apiRoutes({
      apiToken: config.auth.apiToken,
      store,
      steering: deps.steering,
      live: deps.live,
      redact: (text) => redactSecrets(text, secrets),
      ...(deps.followPollMs !== undefined ? { pollMs: deps.followPollMs } : {}),
    }),
  );
  for (const router of deps.extraRoutes ?? []) app.use(router);
  app.use(notFound);
  app.use(handleErrors(logger));
  return app;
}

import { Router } from "express";
import { requireBearerToken } from "../middleware/require-bearer-token.js";

/**
 * GET /metrics: Prometheus's text format. It holds counts and names, no secrets: open unless
 * `token` (auth.metricsToken) is given, then only with `Authorization: Bearer <token>`.
 */
export function metricsRoutes(
  metrics: { contentType(): string; render(): Promise<string> },
  token?: string,
): Router {
  const router = Router();
  if (token !== undefined) router.use("/metrics", requireBearerToken(token, "metrics token"));
  router.get("/metrics", async (_req, res) => {
    res.type(metrics.contentType()).send(await metrics.render());
  });
  return router;
}

import { Router } from "express";

/** GET /metrics: Prometheus's text format. No token: it holds counts and names, no secrets. */
export function metricsRoutes(metrics: {
  contentType(): string;
  render(): Promise<string>;
}): Router {
  const router = Router();
  router.get("/metrics", async (_req, res) => {
    res.type(metrics.contentType()).send(await metrics.render());
  });
  return router;
}

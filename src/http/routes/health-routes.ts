import { Router } from "express";

/** A dependency /readyz checks; it throws (or rejects) with the reason when not ready. */
export interface ReadinessCheck {
  name: string;
  check: () => void | Promise<void>;
}

/**
 * /healthz: the process answers. /readyz: every dependency answers, or 503 with the reasons;
 * 503 "stopping" too once pushgate is shutting down, so a load balancer sends no more work.
 */
export function healthRoutes(
  checks: readonly ReadinessCheck[],
  isStopping: () => boolean = () => false,
): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          await check();
          return [name, "ok"] as const;
        } catch (error) {
          return [name, error instanceof Error ? error.message : String(error)] as const;
        }
      }),
    );
    const ready = results.every(([, result]) => result === "ok");
    const status = isStopping() ? "stopping" : ready ? "ready" : "not ready";
    res
      .status(status === "ready" ? 200 : 503)
      .json({ status, checks: Object.fromEntries(results) });
  });
  return router;
}

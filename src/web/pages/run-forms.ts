import { Router } from "express";
import { HttpError } from "../../http/http-error.js";
import { BACKLOG_RETRY_AFTER_S } from "../../http/routes/handle-webhook.js";
import type { PageDeps } from "../page-deps.js";

/**
 * POST /runs/:id/cancel and POST /runs/:id/retry from a run's page: the steering of
 * /api/runs/:id/cancel and /retry, answered with a redirect to the run's page (the new
 * run's, for a retry) saying what happened.
 */
export function runForms(deps: PageDeps): Router {
  const { steering, guard } = deps;
  const router = Router();

  router.post("/runs/:id/cancel", ...guard.form, async (req, res) => {
    const id = String(req.params.id);
    const outcome = await steering.cancel(id);
    if (outcome.kind === "unknown") throw new HttpError(404, "not_found", `There is no run ${id}.`);
    const notice = outcome.kind === "cancelled" ? "cancelled" : "cancel-refused";
    res.redirect(303, `/runs/${id}?notice=${notice}`);
  });

  router.post("/runs/:id/retry", ...guard.form, async (req, res) => {
    const id = String(req.params.id);
    const outcome = await steering.retry(id);
    switch (outcome.kind) {
      case "unknown":
        throw new HttpError(404, "not_found", `There is no run ${id}.`);
      case "backlog-full":
        throw new HttpError(
          429,
          "backlog_full",
          `${outcome.backlog} runs are already queued (limits.backlog): retry later.`,
          {},
          { "Retry-After": String(BACKLOG_RETRY_AFTER_S) },
        );
      case "unfinished":
        res.redirect(303, `/runs/${id}?notice=retry-refused`);
        return;
      case "no-pipeline":
        res.redirect(303, `/runs/${id}?notice=pipeline-gone`);
        return;
      case "queued":
        res.redirect(303, `/runs/${outcome.run.id}?notice=retried`);
    }
  });
  return router;
}

import { Router } from "express";
import { pipelinesPageModel } from "../models/pipelines-page-model.js";
import type { PageDeps } from "../page-deps.js";
import { pageFrame } from "../page-frame.js";

/** Runs shown in each pipeline's strip of results. */
const RECENT_RUNS = 20;

/**
 * GET /pipelines: each pipeline and its latest runs, and the queue; POST /queue/pause and
 * POST /queue/resume, the steering of /api/queue/pause and /resume, back to the page.
 */
export function pipelinesPage(deps: PageDeps): Router {
  const { store, steering, render, guard } = deps;
  const router = Router();

  router.get("/pipelines", guard.page, async (req, res) => {
    const [queue, ...recent] = await Promise.all([
      steering.queue(),
      ...deps.pipelines.map((pipeline) =>
        store.listRuns({ pipeline: pipeline.name, limit: RECENT_RUNS }),
      ),
    ]);
    const model = pipelinesPageModel({
      pipelines: deps.pipelines,
      recent: new Map(deps.pipelines.map((pipeline, i) => [pipeline.name, recent[i] ?? []])),
      queue,
      ...(deps.publicUrl !== undefined ? { publicUrl: deps.publicUrl } : {}),
      ...(typeof req.query.notice === "string" ? { notice: req.query.notice } : {}),
      now: deps.clock(),
    });
    render.page(res, "pipelines.njk", pageFrame(res, "Pipelines", "pipelines"), model);
  });

  router.post("/queue/pause", ...guard.form, async (_req, res) => {
    await steering.pause();
    res.redirect(303, "/pipelines?notice=paused");
  });
  router.post("/queue/resume", ...guard.form, async (_req, res) => {
    await steering.resume();
    res.redirect(303, "/pipelines?notice=resumed");
  });
  return router;
}

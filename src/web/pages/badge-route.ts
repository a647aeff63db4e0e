import { Router } from "express";
import type { PipelineConfig } from "../../config/config.js";
import type { RunStore } from "../../store/run-store.js";
import { badgeModel, badgeResult } from "../models/badge-model.js";
import type { Renderer } from "../render-page.js";

/**
 * GET /badges/<pipeline>.svg, for READMEs: the result of the pipeline's latest finished run
 * (passed, failed, errored; unknown before any). Public, so only for pipelines that say
 * `badge: true`; any other name gets the same 404, which tells nothing of the pipelines.
 */
export function badgeRoute(deps: {
  store: RunStore;
  pipelines: readonly PipelineConfig[];
  render: Renderer;
}): Router {
  const router = Router();
  router.get("/badges/:file", async (req, res) => {
    const name = /^(.+)\.svg$/.exec(String(req.params.file))?.[1];
    const pipeline = deps.pipelines.find((p) => p.badge && p.name === name);
    if (!pipeline) {
      res.status(404).type("text/plain").send("no badge here\n");
      return;
    }
    const [latest] = await deps.store.listRuns({
      pipeline: pipeline.name,
      states: ["passed", "failed", "errored"],
      limit: 1,
    });
    const svg = deps.render.render(
      "badge.svg.njk",
      badgeModel(pipeline.name, badgeResult(latest?.state)),
    );
    res
      .type("image/svg+xml")
      // READMEs show it from other sites; caches ask again each time.
      .set({ "Cache-Control": "no-cache", "Cross-Origin-Resource-Policy": "cross-origin" })
      .send(svg);
  });
  return router;
}

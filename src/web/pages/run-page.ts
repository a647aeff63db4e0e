import { Router, type RequestHandler } from "express";
import { HttpError } from "../../http/http-error.js";
import { masked, runLog } from "../../http/routes/run-log.js";
import { ID_PATTERN } from "../../store/new-id.js";
import { runPageModel } from "../models/run-page-model.js";
import type { PageDeps } from "../page-deps.js";
import { pageFrame } from "../page-frame.js";

/** Retries listed on a run's page, newest first. */
const RETRIES_SHOWN = 20;

/**
 * GET /runs/:id, a run's page, and GET /runs/:id/log, its output as raw text or (?follow=1)
 * as the live stream the page's script reads: the very handler of /api/runs/:id/log, behind
 * the session instead of the Bearer token.
 */
export function runPage(deps: PageDeps): Router {
  const { store, render, guard } = deps;
  const router = Router();

  router.get("/runs/:id", guard.page, async (req, res) => {
    const id = String(req.params.id);
    const run = ID_PATTERN.test(id) ? await store.getRun(id) : undefined;
    if (!run) throw new HttpError(404, "not_found", `There is no run ${id}.`);
    const [actions, output, retries] = await Promise.all([
      store.listActions(id),
      store.getOutput(id),
      store.listRuns({ retryOf: id, limit: RETRIES_SHOWN }),
    ]);
    const model = runPageModel({
      run,
      actions,
      output: output && masked(output, deps.redact),
      retries,
      pipelineConfigured: deps.pipelines.some((pipeline) => pipeline.name === run.pipeline),
      ...(typeof req.query.notice === "string" ? { notice: req.query.notice } : {}),
      now: deps.clock(),
    });
    const title = `${model.run.image} ${model.verdict.state.word}`;
    render.page(res, "run.njk", pageFrame(res, title, "runs"), model);
  });

  const log = runLog({
    store,
    live: deps.live,
    redact: deps.redact,
    ...(deps.followPollMs !== undefined ? { pollMs: deps.followPollMs } : {}),
  });
  // The stream answers 401 to a script once signed out; the raw text link goes to sign-in.
  const guarded: RequestHandler = (req, res, next) =>
    (req.query.follow === undefined ? guard.page : guard.live)(req, res, next);
  router.get("/runs/:id/log", guarded, log);
  return router;
}

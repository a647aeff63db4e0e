import { Router } from "express";
import Joi from "joi";
import { RUN_STATES } from "../../pipeline/run-states.js";
import type { RunStore } from "../../store/run-store.js";
import { ID_PATTERN } from "../../store/new-id.js";
import { formatJoiErrors } from "../../validation/format-joi-errors.js";
import { HttpError } from "../http-error.js";
import { requireBearerToken } from "../middleware/require-bearer-token.js";
import type { FollowDeps } from "./follow-run-log.js";
import { runLog } from "./run-log.js";
import { cancelRun, queueStatus, retryRun, type RunSteering } from "./run-steering.js";
import { runView } from "./run-view.js";

interface ListQuery {
  repository?: string;
  status?: (typeof RUN_STATES)[number];
  state?: (typeof RUN_STATES)[number];
  pipeline?: string;
  before?: string;
  limit: number;
}

const listQuery = Joi.object<ListQuery>({
  repository: Joi.string().max(300),
  status: Joi.string().valid(...RUN_STATES),
  state: Joi.string().valid(...RUN_STATES),
  pipeline: Joi.string().max(64),
  before: Joi.string().pattern(ID_PATTERN).messages({ "string.pattern.base": "must be a run id" }),
  limit: Joi.number().integer().min(1).max(200).default(50),
}).oxor("status", "state");

export interface ApiOptions extends FollowDeps {
  apiToken: string;
  store: RunStore;
  steering: RunSteering;
}

/** Run history (newest first), output, cancel and retry, all behind the API token. */
export function apiRoutes(options: ApiOptions): Router {
  const { store } = options;
  const router = Router();
  // Before every /api route, matched or not: nothing under /api answers without the token.
  router.use("/api", requireBearerToken(options.apiToken, "API token"));

  router.get("/api/runs", async (req, res) => {
    const result = listQuery.validate(req.query, {
      abortEarly: false,
      errors: { label: false },
    });
    if (result.error) {
      throw new HttpError(400, "invalid_query", result.error.message, {
        problems: formatJoiErrors(result.error),
      });
    }
    const query = result.value;
    const runs = await store.listRuns({
      limit: query.limit,
      ...(query.repository !== undefined ? { repository: query.repository } : {}),
      ...((query.status ?? query.state) ? { state: query.status ?? query.state } : {}),
      ...(query.pipeline !== undefined ? { pipeline: query.pipeline } : {}),
      ...(query.before !== undefined ? { before: query.before } : {}),
    });
    const last = runs.at(-1);
    res.json({
      runs: runs.map((run) => runView(run)),
      next: runs.length === query.limit && last ? last.id : null,
    });
  });

  router.get("/api/runs/:id", async (req, res) => {
    const run = await store.getRun(req.params.id);
    if (!run) throw new HttpError(404, "not_found", `no run ${req.params.id}`);
    const [actions, promotions] = await Promise.all([
      store.listActions(run.id),
      store.listPromotions(run.id),
    ]);
    res.json(runView(run, actions, promotions));
  });

  router.get("/api/runs/:id/log", runLog(options));
  router.post("/api/runs/:id/cancel", cancelRun(options.steering));
  router.post("/api/runs/:id/retry", retryRun(options.steering));
  router.get("/api/queue", queueStatus(options.steering));
  router.post("/api/queue/pause", queueStatus(options.steering, "pause"));
  router.post("/api/queue/resume", queueStatus(options.steering, "resume"));

  return router;
}

import { Router, type Request, type Response } from "express";
import Joi from "joi";
import { HttpError } from "../../http/http-error.js";
import { RUN_STATES } from "../../pipeline/run-states.js";
import { ID_PATTERN } from "../../store/new-id.js";
import { formatJoiErrors } from "../../validation/format-joi-errors.js";
import { runsPageModel, type RunsQuery } from "../models/runs-page-model.js";
import type { PageDeps } from "../page-deps.js";
import { pageFrame } from "../page-frame.js";
import { sessionIdOf } from "../session/session-cookie.js";
import { showSignIn } from "../session/sign-in-routes.js";

/** Runs on a page; the newest first, one more read to know whether an older page exists. */
const PAGE_SIZE = 50;

// Empty fields come from the filter form's "any" choices. Other parameters are left alone.
const runsQuery = Joi.object<RunsQuery>({
  pipeline: Joi.string().max(64).empty(""),
  repository: Joi.string().max(300).empty(""),
  state: Joi.string()
    .valid(...RUN_STATES)
    .empty(""),
  before: Joi.string()
    .pattern(ID_PATTERN)
    .empty("")
    .messages({ "string.pattern.base": "must be a run id" }),
}).unknown(true);

/**
 * GET / (the runs, or the sign-in page), GET /runs (the same, filtered and paged in the URL)
 * and GET /runs/rows (its rows alone, which the page's script reads again while some run is
 * unfinished).
 */
export function runsPages(deps: PageDeps): Router {
  const { store, render, guard } = deps;
  const router = Router();
  const names = deps.pipelines.map((pipeline) => pipeline.name);

  const modelOf = async (req: Request) => {
    const query = parseQuery(req);
    const runs = await store.listRuns({
      limit: PAGE_SIZE + 1,
      ...(query.pipeline !== undefined ? { pipeline: query.pipeline } : {}),
      ...(query.repository !== undefined ? { repository: query.repository } : {}),
      ...(query.state !== undefined ? { state: query.state } : {}),
      ...(query.before !== undefined ? { before: query.before } : {}),
    });
    return runsPageModel({ runs, query, pageSize: PAGE_SIZE, pipelines: names, now: deps.clock() });
  };
  const list = async (req: Request, res: Response) => {
    render.page(res, "runs.njk", pageFrame(res, "Runs", "runs"), await modelOf(req));
  };

  router.get("/", async (req, res) => {
    const session = await deps.sessions.find(sessionIdOf(req));
    if (!session) {
      showSignIn(render, res, { next: "/" });
      return;
    }
    res.locals.session = session;
    await list(req, res);
  });
  router.get("/runs", guard.page, list);
  router.get("/runs/rows", guard.live, async (req, res) => {
    const html = render.render("run-rows.njk", await modelOf(req));
    res.type("html").set("Cache-Control", "no-store").send(html);
  });
  return router;
}

function parseQuery(req: Request): RunsQuery {
  const result = runsQuery.validate(req.query, { abortEarly: false, errors: { label: false } });
  if (result.error) {
    const problems = formatJoiErrors(result.error);
    const named = problems.map((p) => `${p.path}: ${p.message}`).join("; ");
    throw new HttpError(400, "invalid_query", `The filters are not valid: ${named}.`);
  }
  const { pipeline, repository, state, before } = result.value;
  return { pipeline, repository, state, before };
}

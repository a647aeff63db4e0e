import { Router, type ErrorRequestHandler } from "express";
import type { Config } from "../config/config.js";
import type { RunSteering } from "../http/routes/run-steering.js";
import type { Logger } from "../observability/logger.js";
import type { LiveOutput } from "../pipeline/live-output.js";
import type { RunStore } from "../store/run-store.js";
import type { PageDeps } from "./page-deps.js";
import { earlyPageErrors, pageErrors, pageNotFound } from "./page-errors.js";
import { pageSecurity } from "./page-security.js";
import { badgeRoute } from "./pages/badge-route.js";
import { pipelinesPage } from "./pages/pipelines-page.js";
import { runForms } from "./pages/run-forms.js";
import { runPage } from "./pages/run-page.js";
import { runsPages } from "./pages/runs-pages.js";
import { createRenderer } from "./render-page.js";
import { refuseForeignForms, requireFormToken } from "./session/check-form.js";
import { requireSession } from "./session/require-session.js";
import { Sessions } from "./session/sessions.js";
import { readForm, signInRoutes } from "./session/sign-in-routes.js";
import { staticAssets } from "./static-assets.js";

export interface WebOptions {
  config: Config;
  store: RunStore;
  steering: RunSteering;
  live: LiveOutput;
  redact: (text: string) => string;
  logger: Logger;
  /** With a store shared by replicas: how often a followed run executing elsewhere is read. */
  followPollMs?: number;
  clock?: () => Date;
}

export interface Dashboard {
  /** Mounted after the webhooks and /api, which it never touches. */
  pages: Router;
  /** Mounted before the JSON error handler: errors raised before `pages` ran, as pages. */
  errors: ErrorRequestHandler;
}

/**
 * The dashboard: sign-in, the runs, a run with its live output, the pipelines and the queue,
 * badges, and their scripts and styles. Server-rendered pages over the store and the same
 * steering as /api.
 */
export function webRoutes(options: WebOptions): Dashboard {
  const { config, store, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const render = createRenderer();
  const sessions = new Sessions({ store, idleMs: config.auth.sessionIdleMs, clock });
  const deps: PageDeps = {
    store,
    steering: options.steering,
    live: options.live,
    redact: options.redact,
    ...(options.followPollMs !== undefined ? { followPollMs: options.followPollMs } : {}),
    pipelines: config.pipelines,
    sessions,
    render,
    guard: {
      page: requireSession(sessions, "page"),
      live: requireSession(sessions, "live"),
      form: [
        readForm,
        refuseForeignForms(config.publicUrl),
        requireSession(sessions, "form"),
        requireFormToken,
      ],
    },
    ...(config.publicUrl !== undefined ? { publicUrl: config.publicUrl } : {}),
    clock,
  };

  const router = Router();
  router.use(pageSecurity());
  router.use(staticAssets());
  router.use(badgeRoute(deps));
  router.use(
    signInRoutes({
      apiToken: config.auth.apiToken,
      sessions,
      render,
      logger,
      ...(config.publicUrl !== undefined ? { publicUrl: config.publicUrl } : {}),
    }),
  );
  router.use(runsPages(deps));
  router.use(runPage(deps));
  router.use(runForms(deps));
  router.use(pipelinesPage(deps));
  router.use(pageNotFound(render));
  router.use(pageErrors(render, logger));
  return { pages: router, errors: earlyPageErrors(render, logger) };
}

import type { RequestHandler } from "express";
import type { PipelineConfig } from "../config/config.js";
import type { RunSteering } from "../http/routes/run-steering.js";
import type { LiveOutput } from "../pipeline/live-output.js";
import type { RunStore } from "../store/run-store.js";
import type { Renderer } from "./render-page.js";
import type { Sessions } from "./session/sessions.js";

/** What the dashboard's page routes read and call: the same store and steering as /api. */
export interface PageDeps {
  store: RunStore;
  steering: RunSteering;
  live: LiveOutput;
  /** Masks configured secrets in output text. */
  redact: (text: string) => string;
  /** With a store shared by replicas: how often a followed run executing elsewhere is read. */
  followPollMs?: number;
  pipelines: readonly PipelineConfig[];
  sessions: Sessions;
  render: Renderer;
  /** Guards of a page (sign-in otherwise), a live part (401) and a form (Origin, session, token). */
  guard: { page: RequestHandler; live: RequestHandler; form: RequestHandler[] };
  publicUrl?: string;
  clock: () => Date;
}

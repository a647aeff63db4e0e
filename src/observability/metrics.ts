import { createRequire } from "node:module";
import type * as Prometheus from "prom-client";
import { deferModule } from "../defer-module.js";
import type { RunMoved } from "../pipeline/move-run.js";

/** What the gauges read when Prometheus scrapes. */
export interface MetricsSources {
  /** Runs waiting in the queue. */
  queued: () => Promise<number>;
  /** Runs whose test container is running. */
  testing: () => Promise<number>;
}

const require = createRequire(import.meta.url);
// prom-client's process metrics load OpenTelemetry's API (about 7 MB) for exemplars, which
// pushgate does not enable: it is loaded only if ever used.
deferModule(require, createRequire(require.resolve("prom-client")).resolve("@opentelemetry/api"));
const { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } =
  require("prom-client") as typeof Prometheus;

const VERDICTS = new Set(["passed", "failed", "errored"]);
const FINAL = new Set([...VERDICTS, "cancelled", "superseded"]);
const STEP_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

/**
 * pushgate's Prometheus metrics, in a registry of its own (two pushgates in one process,
 * as in the tests, never share counters). Labels hold no secrets: sources, statuses,
 * pipeline names, states, steps and action kinds.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly webhooks: Prometheus.Counter<"source" | "status">;
  private readonly runs: Prometheus.Counter<"pipeline" | "state">;
  private readonly steps: Prometheus.Histogram<"step">;
  private readonly actions: Prometheus.Counter<"kind" | "state">;
  private readonly wrongTokens: Prometheus.Counter;
  private readonly lockouts: Prometheus.Counter;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.webhooks = new Counter({
      name: "pushgate_webhooks_total",
      help: "Webhook deliveries by source and the HTTP status answered",
      labelNames: ["source", "status"],
      registers,
    });
    this.runs = new Counter({
      name: "pushgate_runs_total",
      help: "Runs that ended, by pipeline and final state",
      labelNames: ["pipeline", "state"],
      registers,
    });
    this.steps = new Histogram({
      name: "pushgate_step_duration_seconds",
      help: "Duration of each step (pull, services, test, actions) of runs that got a verdict",
      labelNames: ["step"],
      buckets: STEP_BUCKETS,
      registers,
    });
    this.actions = new Counter({
      name: "pushgate_actions_total",
      help: "Outcome actions that ended, by kind and state (done, failed, refused, skipped)",
      labelNames: ["kind", "state"],
      registers,
    });
    this.wrongTokens = new Counter({
      name: "pushgate_wrong_tokens_total",
      help: "Requests that gave a wrong webhook, API or metrics token (or GitHub signature)",
      registers,
    });
    this.lockouts = new Counter({
      name: "pushgate_token_lockouts_total",
      help: "Addresses refused (429) for the rest of a minute after 20 wrong tokens in it",
      registers,
    });
    new Gauge({
      name: "pushgate_queue_depth",
      help: "Runs waiting in the queue",
      registers,
      async collect() {
        this.set(await sources.queued());
      },
    });
    new Gauge({
      name: "pushgate_tests_running",
      help: "Runs whose test is running now",
      registers,
      async collect() {
        this.set(await sources.testing());
      },
    });
  }

  webhookAnswered(source: string, status: number): void {
    this.webhooks.inc({ source, status: String(status) });
  }

  runMoved({ pipeline, to, update }: RunMoved): void {
    if (!FINAL.has(to)) return;
    this.runs.inc({ pipeline, state: to });
    if (!VERDICTS.has(to)) return;
    for (const [step, timing] of Object.entries(update.steps ?? {})) {
      if (timing.ms !== undefined) this.steps.observe({ step }, timing.ms / 1000);
    }
  }

  actionEnded(kind: string, state: string): void {
    this.actions.inc({ kind, state });
  }

  wrongToken(): void {
    this.wrongTokens.inc();
  }

  lockedOut(): void {
    this.lockouts.inc();
  }

  contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import { createAxiosHttpClient } from "./actions/create-axios-http-client.js";
import { createRunReporting } from "./actions/perform-actions.js";
import type { Config } from "./config/config.js";
import { collectSecrets } from "./config/collect-secrets.js";
import { configWarnings } from "./config/config-warnings.js";
import { createDocker } from "./docker/create-docker.js";
import { ComposeTestRunner } from "./docker/compose-test-runner.js";
import { EngineCalls } from "./docker/engine-calls.js";
import { engineRuntimes, runtimeProblems } from "./docker/engine-runtimes.js";
import { ImageClient } from "./docker/image-client.js";
import { ImageFiles } from "./docker/image-files.js";
import { ImagePromoter } from "./docker/image-promoter.js";
import { pingEngine } from "./docker/ping-engine.js";
import { reapLeftovers } from "./docker/reap-leftovers.js";
import { Reaper } from "./docker/reaper.js";
import { RunServices } from "./docker/run-services.js";
import { TestContainer } from "./docker/test-container.js";
import { createApp } from "./http/create-app.js";
import { closeServer, listen } from "./http/listen.js";
import { createLogger, type Logger } from "./observability/logger.js";
import { redactSecrets } from "./observability/redact-secrets.js";
import { Metrics } from "./observability/metrics.js";
import { observeRuns } from "./observability/observe-runs.js";
import { createDeliveryIntake } from "./pipeline/accept-delivery.js";
import { createRunExecutor } from "./pipeline/execute-run.js";
import { LiveOutput } from "./pipeline/live-output.js";
import { createLiveOutputSaver } from "./pipeline/save-live-output.js";
import { keepRetention } from "./pipeline/keep-retention.js";
import { compilePipelineMatcher } from "./pipeline/match-pipelines.js";
import { compileRegistryResolver } from "./pipeline/resolve-registry.js";
import { createRetryRun } from "./pipeline/retry-run.js";
import { Scheduler } from "./pipeline/scheduler.js";
import { openStore } from "./store/open-store.js";

export interface StartOptions {
  /** Where log lines go; standard output when omitted. */
  logStream?: NodeJS.WritableStream;
  /**
   * Pull and test queued runs (default true). Off, pushgate only records them: for tests
   * that look at intake alone.
   */
  executeRuns?: boolean;
}

export interface RunningPushgate {
  /** http://host:port the server listens on. */
  url: string;
  server: Server;
  logger: Logger;
  /**
   * Shuts down: takes no new work, lets runs in flight finish for `shutdown.grace` (or
   * `graceMs`), stops and requeues the rest, closes the server and the store.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
  /** Runs being pulled or tested now. */
  runningTests(): number;
  /** Cuts a stop's grace short: running tests are stopped now and their runs requeued. */
  stopNow(): void;
}

/** How often a followed run executing on another replica is read from the shared store. */
const FOLLOW_POLL_MS = 500;

/** Pause between tries to reap leftovers while the engine cannot be reached. */
const REAP_RETRY_MS = 30_000;

/** Builds every dependency from the config, starts listening, and returns a handle to stop it. */
export async function startPushgate(
  config: Config,
  options: StartOptions = {},
): Promise<RunningPushgate> {
  const secrets = collectSecrets(config);
  const logger = createLogger({
    level: config.log.level,
    secrets,
    ...(options.logStream ? { stream: options.logStream } : {}),
  });
  let stopping: Promise<void> | undefined;
  const store = await openStore(config, {
    onIdleError: (error) => logger.warn("database connection lost", { error: error.message }),
  });
  const instanceId = await store.instanceId();
  // This process's claims: the instance, and a token of this start (a restarted instance
  // takes back at once what its earlier process held). On SQLite one process owns the file.
  const shared = config.store.url !== undefined;
  const lease = {
    owner: `${instanceId}/${randomBytes(4).toString("hex")}`,
    engine: config.docker.host,
    ms: config.store.leaseMs,
  };
  const dockerHost = config.docker.host;
  const docker = createDocker(dockerHost, config.docker.tls);
  const calls = new EngineCalls(dockerHost, config.docker.callTimeoutMs);
  const live = new LiveOutput();
  const metrics = new Metrics({
    queued: () => store.countRuns("queued"),
    // With replicas, the runs this one tests: each replica's /metrics is its own.
    testing: () =>
      shared ? Promise.resolve(scheduler.executingCount()) : store.countRuns("testing"),
  });
  const observe = observeRuns({ metrics, live, store });
  const images = new ImageClient(docker, calls);
  const reporting = createRunReporting({
    http: createAxiosHttpClient(),
    store,
    config,
    logger,
    promoter: new ImagePromoter(docker, calls, images),
    redact: (text) => redactSecrets(text, secrets),
  });
  const reaper = new Reaper(docker, calls, instanceId);
  const scheduler = new Scheduler({
    lease,
    previousSelf: shared ? `${instanceId}/` : "",
    ...(shared ? { onTick: createLiveOutputSaver(live, store) } : {}),
    reapRun: async (runId) => {
      const reaped = await reaper.reapRun(runId);
      logger.info("removed the leftovers of a run taken over", { runId, ...reaped });
    },
    store,
    concurrency: config.docker.concurrency,
    pipelines: config.pipelines,
    logger,
    observe,
    executor: createRunExecutor({
      store,
      images,
      tests: new TestContainer(docker, calls),
      imageFiles: new ImageFiles(docker, calls),
      composer: new ComposeTestRunner(docker, calls),
      services: (owner) => new RunServices(docker, calls, owner),
      pipelines: config.pipelines,
      registries: config.registries,
      pullTimeoutMs: config.docker.pullTimeoutMs,
      maxAttempts: config.docker.maxAttempts,
      instanceId,
      logger,
      performActions: reporting.performActions,
      statuses: reporting.statuses,
      live,
      observe,
    }),
  });
  const intake = createDeliveryIntake({
    store,
    matchPipelines: compilePipelineMatcher(config.pipelines),
    dedupeTtlMs: config.limits.dedupeTtlMs,
    backlog: config.limits.backlog,
    resolveRegistry: compileRegistryResolver(config.registries),
    onQueued: (runs) => {
      for (const run of runs) logger.info("run state", { runId: run.id, state: "queued" });
      void scheduler.notify(runs);
    },
  });
  const retry = createRetryRun({
    store,
    pipelines: config.pipelines.map((p) => p.name),
    backlog: config.limits.backlog,
    onQueued: (run) => {
      logger.info("run state", { runId: run.id, state: "queued", retryOf: run.retryOf });
      void scheduler.notify();
    },
  });
  const app = createApp({
    config,
    logger,
    intake,
    store,
    ...(shared ? { followPollMs: FOLLOW_POLL_MS } : {}),
    readiness: [
      { name: "store", check: () => store.ping() },
      { name: "docker", check: () => pingEngine(docker, dockerHost) },
    ],
    steering: {
      cancel: (runId) => scheduler.cancel(runId),
      retry,
      pause: () => scheduler.pause(),
      resume: () => scheduler.resume(),
      queue: async () => ({
        paused: await store.queuePaused(),
        queued: await store.countRuns("queued"),
        executing: scheduler.executingCount(),
      }),
    },
    live,
    metrics,
    isStopping: () => stopping !== undefined,
  });

  const { server, url } = await listen(app, config.listen);
  logger.info("listening", { url, pipelines: config.pipelines.map((p) => p.name) });
  for (const warning of configWarnings(config)) logger.warn("config warning", { warning });
  // Test runtimes the engine does not know are said now; their runs end errored saying it too.
  if (config.pipelines.some((p) => p.test.runtime !== undefined)) {
    engineRuntimes(docker, calls).then(
      (known) => {
        for (const problem of runtimeProblems(config.pipelines, known, dockerHost)) {
          logger.error(problem);
        }
      },
      (error: unknown) => logger.warn("test runtimes not checked", { error: String(error) }),
    );
  }

  // Leftovers of a previous process are reaped before runs start. An engine that is down
  // stops nothing: runs then end `errored` saying so, pushgate keeps serving, and the reap is
  // tried again until the engine answers (sparing the runs in flight by then).
  const reaping =
    options.executeRuns === false
      ? undefined
      : reapLeftovers({
          reaper,
          isActive: (runId) => scheduler.isActive(runId),
          logger,
          retryMs: REAP_RETRY_MS,
        });
  const runner = reaping?.first
    .then(() => (stopping ? undefined : scheduler.start()))
    .catch((error: unknown) => logger.error("runs cannot start", { error: String(error) }));
  const retention = keepRetention({ store, retention: config.store.retention, logger });

  const stop = (how: { graceMs?: number } = {}): Promise<void> =>
    (stopping ??= (async () => {
      await runner;
      await retention.stop();
      await reaping?.stop();
      await scheduler.stop(how.graceMs ?? config.shutdown.graceMs);
      live.closeAll();
      await closeServer(server);
      intake.close();
      await store.close();
      logger.info("stopped");
    })());

  return {
    url,
    server,
    logger,
    stop,
    runningTests: () => scheduler.executingCount(),
    stopNow: () => scheduler.stopNow(),
  };
}

import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import { createAxiosHttpClient } from "./actions/create-axios-http-client.js";
import { createPerformActions } from "./actions/perform-actions.js";
import type { Config } from "./config/config.js";
import { collectSecrets } from "./config/collect-secrets.js";
import { createDocker } from "./docker/create-docker.js";
import { ImageClient } from "./docker/image-client.js";
import { Reaper } from "./docker/reaper.js";
import { RunServices } from "./docker/run-services.js";
import { TestContainer } from "./docker/test-container.js";
import { createApp } from "./http/create-app.js";
import { createLogger, type Logger } from "./observability/logger.js";
import { redactSecrets } from "./observability/redact-secrets.js";
import { createDeliveryIntake } from "./pipeline/accept-delivery.js";
import { createRunExecutor } from "./pipeline/execute-run.js";
import { compilePipelineMatcher } from "./pipeline/match-pipelines.js";
import { compileRegistryResolver } from "./pipeline/resolve-registry.js";
import { Scheduler } from "./pipeline/scheduler.js";
import { SqliteRunStore } from "./store/sqlite-run-store.js";

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
  stop(): Promise<void>;
}

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
  const store = new SqliteRunStore(config.store.path);
  const instanceId = store.instanceId();
  const dockerHost = config.docker.host;
  const docker = createDocker(dockerHost);
  const scheduler = new Scheduler({
    store,
    concurrency: config.docker.concurrency,
    logger,
    executor: createRunExecutor({
      store,
      images: new ImageClient(docker, dockerHost),
      tests: new TestContainer(docker, dockerHost),
      services: (owner) => new RunServices(docker, dockerHost, owner),
      pipelines: config.pipelines,
      registries: config.registries,
      pullTimeoutMs: config.docker.pullTimeoutMs,
      instanceId,
      logger,
      performActions: createPerformActions({
        http: createAxiosHttpClient(),
        store,
        config,
        logger,
        redact: (text) => redactSecrets(text, secrets),
      }),
    }),
  });
  const intake = createDeliveryIntake({
    store,
    matchPipelines: compilePipelineMatcher(config.pipelines),
    dedupeTtlMs: config.limits.dedupeTtlMs,
    resolveRegistry: compileRegistryResolver(config.registries),
    onQueued: (runIds) => {
      for (const runId of runIds) logger.info("run state", { runId, state: "queued" });
      scheduler.notify();
    },
  });
  const app = createApp({
    config,
    logger,
    intake,
    store,
    readiness: [{ name: "store", check: () => store.ping() }],
  });

  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.listen.port, config.listen.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host =
    config.listen.host === "0.0.0.0" || config.listen.host === "::"
      ? "127.0.0.1"
      : config.listen.host;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  logger.info("listening", { url, pipelines: config.pipelines.map((p) => p.name) });

  // Leftovers of a previous process are reaped before runs start. An engine that is down
  // stops nothing: runs then end `errored` saying so, and pushgate keeps serving.
  const runner =
    options.executeRuns === false
      ? Promise.resolve()
      : new Reaper(docker, dockerHost, instanceId)
          .reap((runId) => scheduler.isActive(runId))
          .then(
            (reaped) => logger.info("reaped leftovers", { ...reaped }),
            (error: unknown) => logger.warn("could not reap leftovers", { error: String(error) }),
          )
          .then(() => (stopping ? undefined : scheduler.start()))
          .catch((error: unknown) => logger.error("runs cannot start", { error: String(error) }));

  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await runner;
      await scheduler.stop();
      intake.close();
      store.close();
      logger.info("stopped");
    })());

  return { url, server, logger, stop };
}

import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import type { Config } from "./config/config.js";
import { collectSecrets } from "./config/collect-secrets.js";
import { createApp } from "./http/create-app.js";
import { createLogger, type Logger } from "./observability/logger.js";
import { createDeliveryIntake } from "./pipeline/accept-delivery.js";
import { compilePipelineMatcher } from "./pipeline/match-pipelines.js";
import { compileRegistryResolver } from "./pipeline/resolve-registry.js";
import { SqliteRunStore } from "./store/sqlite-run-store.js";

export interface StartOptions {
  /** Where log lines go; standard output when omitted. */
  logStream?: NodeJS.WritableStream;
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
  const logger = createLogger({
    level: config.log.level,
    secrets: collectSecrets(config),
    ...(options.logStream ? { stream: options.logStream } : {}),
  });
  const store = new SqliteRunStore(config.store.path);
  const intake = createDeliveryIntake({
    store,
    matchPipelines: compilePipelineMatcher(config.pipelines),
    dedupeTtlMs: config.limits.dedupeTtlMs,
    resolveRegistry: compileRegistryResolver(config.registries),
    onQueued: (runIds) => {
      for (const runId of runIds) logger.info("run state", { runId, state: "queued" });
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

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      intake.close();
      store.close();
      logger.info("stopped");
    })());

  return { url, server, logger, stop };
}

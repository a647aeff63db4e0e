import { join } from "node:path";
import { PassThrough } from "node:stream";
import { createAxiosHttpClient } from "../../src/actions/create-axios-http-client.js";
import { createPerformActions } from "../../src/actions/perform-actions.js";
import type { Promoter } from "../../src/actions/promote-step.js";
import { collectSecrets } from "../../src/config/collect-secrets.js";
import type { Config } from "../../src/config/config.js";
import { parseConfig } from "../../src/config/load-config.js";
import { createLogger } from "../../src/observability/logger.js";
import { redactSecrets } from "../../src/observability/redact-secrets.js";
import type { PerformActions, RunOutcome, Verdict } from "../../src/pipeline/outcome.js";
import { dedupeKeyOf, type PushEvent } from "../../src/sources/push-event.js";
import { SqliteRunStore } from "../../src/store/sqlite/sqlite-run-store.js";
import { tempDir, testConfigYaml } from "./test-config.js";

export interface ActionHarness {
  config: Config;
  store: SqliteRunStore;
  dbPath: string;
  logLines: string[];
  perform: PerformActions;
  /** Records a push for `pipeline` and returns its outcome as the runner would hand it over. */
  outcome(options: {
    verdict: Verdict;
    pipeline?: string;
    event?: Partial<PushEvent>;
    reason?: string;
  }): Promise<RunOutcome>;
  close(): Promise<void>;
}

let pushes = 0;

/**
 * PerformActions as pushgate builds it (real HTTP, real SQLite file), for the config `rest`;
 * `promoter` pushes promoted tags (none: a pipeline's promote fails saying so).
 */
export function startActionHarness(
  rest: string,
  dir = tempDir(),
  promoter?: Promoter,
): ActionHarness {
  const config = parseConfig(testConfigYaml(dir, rest), {});
  const dbPath = join(dir, "pushgate.db");
  const store = new SqliteRunStore(dbPath);
  const logLines: string[] = [];
  const stream = new PassThrough();
  stream.on("data", (chunk: Buffer) =>
    logLines.push(...chunk.toString().split("\n").filter(Boolean)),
  );
  const secrets = collectSecrets(config);
  const logger = createLogger({ level: "debug", secrets, stream });
  const perform = createPerformActions({
    http: createAxiosHttpClient(),
    store,
    config,
    logger,
    redact: (text) => redactSecrets(text, secrets),
    ...(promoter ? { promoter } : {}),
  });

  const outcome: ActionHarness["outcome"] = async ({ verdict, pipeline, event, reason }) => {
    const pipelineConfig = pipeline
      ? config.pipelines.find((p) => p.name === pipeline)
      : config.pipelines[0];
    if (!pipelineConfig) throw new Error(`no pipeline ${pipeline ?? "(first)"}`);
    pushes += 1;
    const push: PushEvent = {
      source: "dockerhub",
      registry: "docker.io",
      repository: "acme/web",
      tag: "v1",
      pushedAt: new Date(1_700_000_000_000 + pushes * 1000),
      pusher: "ci-bot",
      ...event,
    };
    const [accepted] = await store.accept(
      [{ event: push, dedupeKey: dedupeKeyOf(push), pipelines: [pipelineConfig.name] }],
      new Date(),
    );
    const runId = accepted?.kind === "recorded" ? accepted.runIds[0] : undefined;
    const run = runId ? await store.getRun(runId) : undefined;
    if (!run) throw new Error("run not recorded");
    const name =
      push.registry === "docker.io" ? push.repository : `${push.registry}/${push.repository}`;
    return {
      run,
      pipeline: pipelineConfig,
      verdict,
      ...(reason ? { reason } : {}),
      ...(verdict === "errored" ? {} : { imageDigest: `${name}@sha256:${"d".repeat(64)}` }),
      durationMs: 1234,
    };
  };

  return { config, store, dbPath, logLines, perform, outcome, close: () => store.close() };
}

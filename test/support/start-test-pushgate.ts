import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { Config } from "../../src/config/config.js";
import { parseConfig } from "../../src/config/load-config.js";
import { startPushgate, type RunningPushgate } from "../../src/pushgate.js";
import { instanceIdOf, recordInstance } from "./docker-objects.js";
import { tempDir, testConfigYaml } from "./test-config.js";

export interface TestPushgate extends RunningPushgate {
  config: Config;
  dir: string;
  dbPath: string;
  /** Every log line written so far, raw. */
  logLines: string[];
}

/**
 * pushgate in this process on a random loopback port, with a fresh store and captured logs.
 * Runs are only recorded unless `executeRuns` is set: most tests look at intake alone, and
 * a run being pulled meanwhile would change what they see.
 */
export async function startTestPushgate(
  rest = "",
  options: {
    dir?: string;
    env?: Record<string, string>;
    auth?: string;
    executeRuns?: boolean;
  } = {},
): Promise<TestPushgate> {
  const dir = options.dir ?? tempDir();
  const config = parseConfig(testConfigYaml(dir, rest, options.auth), options.env ?? {});
  const logLines: string[] = [];
  const logStream = new PassThrough();
  logStream.on("data", (chunk: Buffer) =>
    logLines.push(...chunk.toString().split("\n").filter(Boolean)),
  );
  const running = await startPushgate(config, {
    logStream,
    executeRuns: options.executeRuns ?? false,
  });
  const dbPath = join(dir, "pushgate.db");
  if (options.executeRuns) recordInstance(instanceIdOf(dbPath));
  return { ...running, config, dir, dbPath, logLines };
}

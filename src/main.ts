#!/usr/bin/env node
import { existsSync } from "node:fs";
import { ConfigError } from "./config/config-error.js";
import { loadConfig } from "./config/load-config.js";
import { startPushgate } from "./pushgate.js";

const DEFAULT_CONFIG = "./pushgate.yml";
const EXAMPLE_CONFIG = "./pushgate.example.yml";

/** Which config file to read: PUSHGATE_CONFIG, ./pushgate.yml, or the example on a first run. */
function chooseConfigFile(env: NodeJS.ProcessEnv): { file: string; firstRun: boolean } {
  if (env.PUSHGATE_CONFIG) return { file: env.PUSHGATE_CONFIG, firstRun: false };
  if (!existsSync(DEFAULT_CONFIG) && existsSync(EXAMPLE_CONFIG)) {
    return { file: EXAMPLE_CONFIG, firstRun: true };
  }
  return { file: DEFAULT_CONFIG, firstRun: false };
}

async function main(): Promise<void> {
  const { file, firstRun } = chooseConfigFile(process.env);
  let config;
  try {
    config = loadConfig(file, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  if (firstRun) {
    process.stderr.write(
      `No ${DEFAULT_CONFIG} found: running with ${EXAMPLE_CONFIG}. Copy it to ${DEFAULT_CONFIG} (or set PUSHGATE_CONFIG) and edit it.\n`,
    );
  }
  const pushgate = await startPushgate(config);
  let signals = 0;
  const shutdown = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      pushgate.logger.warn("second signal: exiting now", { signal });
      process.exit(130);
    }
    pushgate.logger.info("shutting down", { signal });
    pushgate.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        pushgate.logger.error("shutdown failed", { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `pushgate failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

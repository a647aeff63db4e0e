#!/usr/bin/env node
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { EXIT_CONFIG, EXIT_USAGE, checkConfig } from "./cli/check-config.js";
import { chooseConfigFile, missingConfigMessage } from "./cli/choose-config-file.js";
import { firstRunMessage, TRIAL_STORE } from "./cli/first-run-message.js";
import { howStarted } from "./cli/how-started.js";
import { migrateStore } from "./cli/migrate-store-command.js";
import { prune } from "./cli/prune-command.js";
import { startFailureMessage } from "./cli/start-failure-message.js";
import { stopOnSignals } from "./cli/stop-on-signals.js";
import { USAGE } from "./cli/usage.js";
import type { Config } from "./config/config.js";
import { ConfigError } from "./config/config-error.js";
import { loadConfig } from "./config/load-config.js";
import { runtimesOf } from "./docker/engine-runtimes.js";
import { startPushgate } from "./pushgate.js";

/** The folder holding package.json, src/ or dist/, wherever pushgate is started from. */
const PACKAGE_ROOT = fileURLToPath(new URL("..", import.meta.url));
/** The example shipped beside src/ and dist/. */
const EXAMPLE_CONFIG = fileURLToPath(new URL("../pushgate.example.yml", import.meta.url));

function version(): string {
  const text = readFileSync(new URL("../package.json", import.meta.url), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}

async function serve(): Promise<void> {
  // Before anything is started: a SIGTERM while pushgate starts must not be lost.
  const signals = stopOnSignals(
    process,
    (code) => process.exit(code),
    (line) => process.stderr.write(`${line}\n`),
  );
  const how = howStarted(PACKAGE_ROOT, process.env, existsSync);
  const { file, trial } = chooseConfigFile(process.env, EXAMPLE_CONFIG, existsSync);
  if (!existsSync(file)) {
    process.stderr.write(missingConfigMessage(file, EXAMPLE_CONFIG, how));
    process.exit(EXIT_CONFIG);
  }
  let config: Config;
  try {
    const loaded = loadConfig(file, process.env);
    // A trial keeps its runs apart from those of the user's own config.
    config = trial
      ? Object.freeze({ ...loaded, store: { ...loaded.store, path: TRIAL_STORE } })
      : loaded;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
  let pushgate: Awaited<ReturnType<typeof startPushgate>>;
  try {
    pushgate = await startPushgate(config);
  } catch (error) {
    process.stderr.write(`pushgate: ${startFailureMessage(error, config)}\n`);
    process.exit(1);
  }
  if (trial && !signals.stopping) {
    process.stderr.write(
      firstRunMessage({
        exampleFile: EXAMPLE_CONFIG,
        url: pushgate.url,
        config,
        env: process.env,
        how,
      }),
    );
  }
  signals.started(pushgate, config.shutdown.graceMs);
}

async function main(argv: readonly string[]): Promise<void> {
  const [command, ...args] = argv;
  switch (command) {
    case undefined:
    case "serve":
      return serve();
    case "check-config":
      process.exit(await checkConfig(args, process.env, process, runtimesOf));
      break;
    case "prune":
      process.exit(await prune(args, process.env, process));
      break;
    case "migrate-store":
      process.exit(await migrateStore(args, process));
      break;
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
      return;
    case "--version":
    case "-v":
    case "version":
      process.stdout.write(`pushgate ${version()}\n`);
      return;
    default:
      process.stderr.write(`pushgate: unknown command "${command}"\n\n${USAGE}`);
      process.exit(EXIT_USAGE);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `pushgate failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

#!/usr/bin/env node
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CHECK_CONFIG_USAGE, EXIT_CONFIG, EXIT_USAGE, checkConfig } from "./cli/check-config.js";
import { chooseConfigFile, missingConfigMessage } from "./cli/choose-config-file.js";
import { firstRunMessage } from "./cli/first-run-message.js";
import { stopOnSignals } from "./cli/stop-on-signals.js";
import type { Config } from "./config/config.js";
import { ConfigError } from "./config/config-error.js";
import { loadConfig } from "./config/load-config.js";
import { runtimesOf } from "./docker/engine-runtimes.js";
import { startPushgate } from "./pushgate.js";

/** The example shipped beside src/ and dist/, wherever pushgate is started from. */
const EXAMPLE_CONFIG = fileURLToPath(new URL("../pushgate.example.yml", import.meta.url));

const USAGE = `Usage: pushgate                 start the service (config: $PUSHGATE_CONFIG or ./pushgate.yml)
       pushgate check-config    validate a config file; list the pipelines an image:tag matches
       pushgate help

${CHECK_CONFIG_USAGE}`;

async function serve(): Promise<void> {
  // Before anything is started: a SIGTERM while pushgate starts must not be lost.
  const signals = stopOnSignals(process, (code) => process.exit(code));
  const { file, trial } = chooseConfigFile(process.env, EXAMPLE_CONFIG, existsSync);
  if (!existsSync(file)) {
    process.stderr.write(missingConfigMessage(file, EXAMPLE_CONFIG));
    process.exit(EXIT_CONFIG);
  }
  let config: Config;
  try {
    config = loadConfig(file, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
  const pushgate = await startPushgate(config);
  if (trial && !signals.stopping) {
    process.stderr.write(
      firstRunMessage({ exampleFile: EXAMPLE_CONFIG, url: pushgate.url, config, env: process.env }),
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
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
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

import { existsSync } from "node:fs";
import type { Config } from "../config/config.js";
import { ConfigError } from "../config/config-error.js";
import { formatDuration } from "../config/format-duration.js";
import { loadConfig, type Env } from "../config/load-config.js";
import { PRUNE_BATCH } from "../pipeline/keep-retention.js";
import { openStore } from "../store/open-store.js";
import { retentionPolicyOf } from "../store/retention-policy-of.js";
import { StoreInUseError } from "../store/sqlite/lock-sqlite-file.js";
import { EXIT_CONFIG, EXIT_USAGE } from "./check-config.js";

export const PRUNE_USAGE = `pushgate prune [--dry-run] [FILE.yml]
  Deletes the finished runs store.retention lets go (with their output, actions,
  promotions and the events nothing else needs; the heads that recognise duplicates stay), as a running pushgate
  does every 10 minutes. --dry-run only says what would go. FILE.yml: $PUSHGATE_CONFIG or
  ./pushgate.yml.`;

interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** `pushgate prune [--dry-run] [FILE]`: the exit code. */
export async function prune(args: readonly string[], env: Env, io: Io): Promise<number> {
  const dryRun = args.includes("--dry-run");
  const rest = args.filter((arg) => arg !== "--dry-run");
  if (rest.length > 1 || rest.some((arg) => arg.startsWith("-"))) {
    io.stderr.write(`pushgate prune: unexpected ${rest.join(" ")}\n\n${PRUNE_USAGE}\n`);
    return EXIT_USAGE;
  }
  const file = rest[0] ?? env.PUSHGATE_CONFIG ?? "./pushgate.yml";
  let config: Config;
  try {
    if (!existsSync(file)) throw new ConfigError(file, ["file not found"]);
    config = loadConfig(file, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return EXIT_CONFIG;
  }
  const policy = retentionPolicyOf(config.store.retention, new Date());
  if (!policy) {
    io.stdout.write("store.retention is not set: every run is kept, nothing to prune\n");
    return 0;
  }
  const { maxAgeMs, keepPerPipeline } = config.store.retention;
  const limits = [
    ...(maxAgeMs !== undefined ? [`finished more than ${formatDuration(maxAgeMs)} ago`] : []),
    ...(keepPerPipeline !== undefined
      ? [`past the newest ${keepPerPipeline} of its pipeline`]
      : []),
  ].join(" and ");
  let store;
  try {
    // A dry run only reads: it may look at a file a running pushgate holds.
    store = await openStore(config, { exclusive: !dryRun });
  } catch (error) {
    if (!(error instanceof StoreInUseError)) throw error;
    io.stderr.write(`${error.message}\nA running pushgate prunes by itself every 10 minutes.\n`);
    return 1;
  }
  try {
    if (dryRun) {
      const would = await store.prunable(policy);
      io.stdout.write(
        `would delete ${would.runs} finished runs (each ${limits}), with their output and actions, and ${would.events} events; the heads duplicates are recognised by stay\n`,
      );
      return 0;
    }
    let runs = 0;
    let events = 0;
    for (;;) {
      const pruned = await store.prune(policy, PRUNE_BATCH);
      runs += pruned.runs;
      events += pruned.events;
      if (pruned.runs < PRUNE_BATCH) break;
    }
    io.stdout.write(`deleted ${runs} finished runs (each ${limits}) and ${events} events\n`);
    return 0;
  } finally {
    await store.close();
  }
}

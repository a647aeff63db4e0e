import { formatDuration } from "../config/format-duration.js";
import type { Logger } from "../observability/logger.js";
import type { Reaper } from "./reaper.js";

export interface ReapLeftoversDeps {
  reaper: Pick<Reaper, "reap">;
  /** True for a run this process is executing: its containers are never touched. */
  isActive: (runId: string) => boolean;
  logger: Logger;
  /** Pause before trying again after a reap failed (the engine was unreachable). */
  retryMs: number;
}

export interface LeftoverReaping {
  /** Settles once the first reap is over, whether it succeeded or not. */
  first: Promise<void>;
  /** Tries no more; resolves once a reap under way is over. */
  stop(): Promise<void>;
}

/**
 * Reaps what a previous process left in Docker, and when the engine cannot be reached, tries
 * again every `retryMs` until one reap succeeds, so leftovers do not outlive an engine that
 * was down at start-up. The first failure is logged as a warning, later ones at debug level.
 */
export function reapLeftovers(deps: ReapLeftoversDeps): LeftoverReaping {
  const { reaper, isActive, logger, retryMs } = deps;
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void>;
  const attempt = (): Promise<void> =>
    (current = reaper.reap(isActive).then(
      (reaped) => {
        logger.info("reaped leftovers", { ...reaped });
      },
      (error: unknown) => {
        failures += 1;
        const details = { error: String(error), failures };
        if (failures === 1) {
          logger.warn(
            `could not reap leftovers: trying again every ${formatDuration(retryMs)}`,
            details,
          );
        } else {
          logger.debug("could not reap leftovers", details);
        }
        if (stopped) return;
        timer = setTimeout(() => void attempt(), retryMs);
        timer.unref();
      },
    ));
  const first = attempt();
  return {
    first,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}

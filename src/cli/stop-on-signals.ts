import { formatDuration } from "../config/format-duration.js";
import type { Logger } from "../observability/logger.js";

export type StopSignal = "SIGTERM" | "SIGINT";

/** Where SIGTERM and SIGINT arrive: the process, or a stand-in in tests. */
export interface SignalSource {
  on(signal: StopSignal, listener: (signal: NodeJS.Signals) => void): unknown;
}

/** The started service, as far as stopping it goes. */
export interface Stoppable {
  logger: Logger;
  /** Stops gracefully: running tests get the grace period, then are stopped and requeued. */
  stop(): Promise<void>;
  /** Tests being pulled or run now. */
  runningTests(): number;
  /** Cuts the grace short: running tests are stopped now and their runs requeued. */
  stopNow(): void;
}

export interface SignalWatch {
  /** Hands over the started service; a signal that came while it started stops it now. */
  started(service: Stoppable, graceMs: number): void;
  /** Whether a stop signal came, during start-up or after. */
  readonly stopping: boolean;
}

/** Longest a second signal waits for the test containers to be removed before exiting. */
const STOP_NOW_MS = 15_000;

const tests = (count: number) => `${count} running test${count === 1 ? "" : "s"}`;

/**
 * Watches for SIGTERM (`docker stop`) and SIGINT from the moment it is called, so a signal
 * while pushgate starts is not lost: as PID 1 in a container, a process ignores any signal it
 * has no handler for. The first signal stops the service gracefully once it is started (at
 * once when it already is) and exits 0, or 1 when stopping fails, telling the person at the
 * terminal what it waits for. A second stops the running tests now (their containers removed,
 * their runs requeued) and exits 130; during start-up it exits 130 at once.
 */
export function stopOnSignals(
  source: SignalSource,
  exit: (code: number) => void,
  tell: (line: string) => void = () => undefined,
): SignalWatch {
  let service: { running: Stoppable; graceMs: number } | undefined;
  let received: NodeJS.Signals | undefined;
  let stopping = false;
  /** A second signal came while stopping: the exit code says the grace was cut short. */
  let cutShort = false;

  const stop = (running: Stoppable, graceMs: number, signal: NodeJS.Signals): void => {
    running.logger.info("shutting down", { signal, graceMs });
    const count = running.runningTests();
    if (count > 0) {
      const key = signal === "SIGINT" ? "Ctrl-C" : "SIGTERM";
      tell(
        `stopping: waiting up to ${formatDuration(graceMs)} for ${tests(count)} (${key} again to stop now)`,
      );
    }
    stopping = true;
    running.stop().then(
      () => exit(cutShort ? 130 : 0),
      (error: unknown) => {
        running.logger.error("shutdown failed", { error: String(error) });
        exit(1);
      },
    );
  };

  const stopNow = (running: Stoppable, signal: NodeJS.Signals): void => {
    running.logger.warn("second signal: stopping running tests now", { signal });
    const count = running.runningTests();
    if (count > 0) tell(`stopping now: removing ${tests(count)}; their runs go back to the queue`);
    cutShort = true;
    running.stopNow();
    // The stop ends as soon as the containers are gone; an engine that does not answer
    // must not keep the process here.
    setTimeout(() => exit(130), STOP_NOW_MS);
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    if (received === undefined) {
      received = signal;
      if (service) stop(service.running, service.graceMs, signal);
      return;
    }
    if (service && stopping && !cutShort) stopNow(service.running, signal);
    else exit(130);
  };
  source.on("SIGTERM", onSignal);
  source.on("SIGINT", onSignal);

  return {
    started(running, graceMs) {
      service = { running, graceMs };
      if (received !== undefined) stop(running, graceMs, received);
    },
    get stopping() {
      return received !== undefined;
    },
  };
}

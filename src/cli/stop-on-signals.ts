import type { Logger } from "../observability/logger.js";

export type StopSignal = "SIGTERM" | "SIGINT";

/** Where SIGTERM and SIGINT arrive: the process, or a stand-in in tests. */
export interface SignalSource {
  on(signal: StopSignal, listener: (signal: NodeJS.Signals) => void): unknown;
}

/** The started service, as far as stopping it goes. */
export interface Stoppable {
  logger: Logger;
  stop(): Promise<void>;
}

export interface SignalWatch {
  /** Hands over the started service; a signal that came while it started stops it now. */
  started(service: Stoppable, graceMs: number): void;
  /** Whether a stop signal came, during start-up or after. */
  readonly stopping: boolean;
}

/**
 * Watches for SIGTERM (`docker stop`) and SIGINT from the moment it is called, so a signal
 * while pushgate starts is not lost: as PID 1 in a container, a process ignores any signal it
 * has no handler for. The first signal stops the service gracefully once it is started (at
 * once when it already is) and exits 0, or 1 when stopping fails; a second exits 130 at once.
 */
export function stopOnSignals(source: SignalSource, exit: (code: number) => void): SignalWatch {
  let service: { running: Stoppable; graceMs: number } | undefined;
  let received: NodeJS.Signals | undefined;

  const stop = (running: Stoppable, graceMs: number, signal: NodeJS.Signals): void => {
    running.logger.info("shutting down", { signal, graceMs });
    running.stop().then(
      () => exit(0),
      (error: unknown) => {
        running.logger.error("shutdown failed", { error: String(error) });
        exit(1);
      },
    );
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    if (received !== undefined) {
      service?.running.logger.warn("second signal: exiting now", { signal });
      exit(130);
      return;
    }
    received = signal;
    if (service) stop(service.running, service.graceMs, signal);
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

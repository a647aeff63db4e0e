export type AbortKind = "shutdown" | "cancel" | "supersede";

/**
 * Why a run's signal was aborted: pushgate is stopping (the run goes back to the queue and
 * runs again after the restart), someone cancelled the run (it ends `cancelled`), or a newer
 * push of the same image superseded it (it ends `superseded`, naming the newer run).
 */
export class RunAbort extends Error {
  constructor(
    readonly kind: AbortKind,
    /** The newer run, for "supersede". */
    readonly by?: string,
  ) {
    super(
      kind === "shutdown"
        ? "pushgate is stopping"
        : kind === "cancel"
          ? "cancelled"
          : `superseded by ${by ?? "a newer run"}`,
    );
    this.name = "RunAbort";
  }
}

export function abortKindOf(signal: AbortSignal): AbortKind {
  return signal.reason instanceof RunAbort ? signal.reason.kind : "shutdown";
}

/**
 * A signal that follows `signal` only when pushgate stops. Once a run's test is over its
 * verdict stands: a cancel or supersede arriving then must not cut its actions short.
 */
export function shutdownOnly(signal: AbortSignal): AbortSignal {
  const controller = new AbortController();
  const forward = (): void => {
    if (abortKindOf(signal) === "shutdown") controller.abort(signal.reason);
  };
  if (signal.aborted) forward();
  else signal.addEventListener("abort", forward, { once: true });
  return controller.signal;
}

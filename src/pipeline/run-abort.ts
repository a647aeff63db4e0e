export type AbortKind = "shutdown" | "cancel" | "supersede" | "lost";

/**
 * Why a run's signal was aborted: pushgate is stopping (the run goes back to the queue and
 * runs again after the restart), someone cancelled the run (it ends `cancelled`), a newer
 * push of the same image superseded it (it ends `superseded`, naming the newer run), or this
 * process lost its lease on the run (another took it over: its containers are stopped and
 * the run is left alone).
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
        : kind === "lost"
          ? "the run's lease was lost"
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

/** This process lets go of the run (stopping, or its lease lost): another goes on with it. */
export function lettingGo(signal: AbortSignal): boolean {
  const kind = abortKindOf(signal);
  return signal.aborted && (kind === "shutdown" || kind === "lost");
}

/**
 * A signal that follows `signal` only when this process lets go of the run (it stops, or
 * lost the run's lease). Once a run's test is over its verdict stands: a cancel or supersede
 * arriving then must not cut its actions short.
 */
export function shutdownOnly(signal: AbortSignal): AbortSignal {
  const controller = new AbortController();
  const forward = (): void => {
    if (lettingGo(signal)) controller.abort(signal.reason);
  };
  if (signal.aborted) forward();
  else signal.addEventListener("abort", forward, { once: true });
  return controller.signal;
}

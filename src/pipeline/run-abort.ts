/**
 * Why a run's signal was aborted: pushgate is stopping (the run goes back to the queue and
 * runs again after the restart) or someone cancelled the run (it ends `cancelled`).
 */
export class RunAbort extends Error {
  constructor(readonly kind: "shutdown" | "cancel") {
    super(kind === "shutdown" ? "pushgate is stopping" : "cancelled");
    this.name = "RunAbort";
  }
}

export function abortKindOf(signal: AbortSignal): "shutdown" | "cancel" {
  return signal.reason instanceof RunAbort ? signal.reason.kind : "shutdown";
}

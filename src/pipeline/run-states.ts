/** Where a run stands. See DESIGN.md: queued → pulling → testing → acting → a final state. */
export type RunState =
  | "queued"
  | "pulling"
  | "testing"
  | "acting"
  | "passed"
  | "failed"
  | "errored"
  | "cancelled"
  | "superseded";

export const RUN_STATES: readonly RunState[] = [
  "queued",
  "pulling",
  "testing",
  "acting",
  "passed",
  "failed",
  "errored",
  "cancelled",
  "superseded",
];

export const FINAL_STATES: ReadonlySet<RunState> = new Set([
  "passed",
  "failed",
  "errored",
  "cancelled",
  "superseded",
]);

/** States a run may move to from each state. A run that is in flight may always be requeued. */
const NEXT: Record<RunState, readonly RunState[]> = {
  queued: ["pulling", "errored", "cancelled", "superseded"],
  pulling: ["testing", "acting", "errored", "cancelled", "superseded", "queued"],
  testing: ["acting", "passed", "failed", "errored", "cancelled", "superseded", "queued"],
  acting: ["passed", "failed", "errored", "queued"],
  passed: [],
  failed: [],
  errored: [],
  cancelled: [],
  superseded: [],
};

export function isFinal(state: RunState): boolean {
  return FINAL_STATES.has(state);
}

export function canMove(from: RunState, to: RunState): boolean {
  return NEXT[from].includes(to);
}

import type { RunState } from "../../pipeline/run-states.js";

/** How a state is shown: its word, and a tone for colour (never colour alone). */
export interface StateLabel {
  state: RunState;
  word: string;
  /** ok, bad, error, active, waiting, quiet: CSS classes tone-<tone>. */
  tone: "ok" | "bad" | "error" | "active" | "waiting" | "quiet";
  /** A symbol before the word, so the state reads without colour too. */
  mark: string;
}

const LABELS: Record<RunState, Omit<StateLabel, "state">> = {
  queued: { word: "queued", tone: "waiting", mark: "…" },
  pulling: { word: "pulling", tone: "active", mark: "↓" },
  testing: { word: "testing", tone: "active", mark: "▶" },
  acting: { word: "acting", tone: "active", mark: "→" },
  passed: { word: "passed", tone: "ok", mark: "✔" },
  failed: { word: "failed", tone: "bad", mark: "✘" },
  errored: { word: "errored", tone: "error", mark: "!" },
  cancelled: { word: "cancelled", tone: "quiet", mark: "■" },
  superseded: { word: "superseded", tone: "quiet", mark: "↷" },
};

export function stateLabel(state: RunState): StateLabel {
  return { state, ...LABELS[state] };
}

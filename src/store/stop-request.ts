import type { StopRequest } from "./run-store.js";

/** A stop request as both engines store it: "cancel" or "supersede:<run id>". */
export function stopRequestText(stop: StopRequest): string {
  return stop === "cancel" ? "cancel" : `supersede:${stop.supersededBy}`;
}

export function stopRequestOf(text: string | null): StopRequest | undefined {
  if (text === "cancel") return "cancel";
  if (text?.startsWith("supersede:")) return { supersededBy: text.slice("supersede:".length) };
  return undefined;
}

/** States a run is held in (by a claim's lease). */
export const HELD_STATES = ["pulling", "testing", "acting"] as const;

/** What a claim clears: nothing of an earlier attempt may pass for this one's. */
export const FRESH_COLUMNS = [
  "reason",
  "exit_code",
  "verdict",
  "image_digest",
  "image_source",
] as const;

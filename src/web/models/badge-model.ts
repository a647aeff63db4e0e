import type { RunState } from "../../pipeline/run-states.js";

export type BadgeResult = "passed" | "failed" | "errored" | "unknown";

export interface Badge {
  label: string;
  message: BadgeResult;
  color: string;
  /** Widths of the two halves and of the whole, in px. */
  labelWidth: number;
  messageWidth: number;
  width: number;
  /** Centres of the two texts, in tenths of px (the SVG draws text scaled by 0.1). */
  labelX: number;
  messageX: number;
  /** "web: passed", for screen readers and the title. */
  title: string;
}

const COLORS: Record<BadgeResult, string> = {
  passed: "#2e7d32",
  failed: "#c62828",
  errored: "#ef6c00",
  unknown: "#757575",
};

/** The result a badge shows for the latest finished run's state (none: unknown). */
export function badgeResult(state: RunState | undefined): BadgeResult {
  return state === "passed" || state === "failed" || state === "errored" ? state : "unknown";
}

/**
 * A README badge in the usual two-part shape (label | result). Widths are estimated from the
 * text (Verdana 11px averages about 7 px a character), with 10 px of padding on each side.
 */
export function badgeModel(label: string, result: BadgeResult): Badge {
  const labelWidth = textWidth(label) + 10;
  const messageWidth = textWidth(result) + 10;
  return {
    label,
    message: result,
    color: COLORS[result],
    labelWidth,
    messageWidth,
    width: labelWidth + messageWidth,
    labelX: labelWidth * 5,
    messageX: (labelWidth + messageWidth / 2) * 10,
    title: `${label}: ${result}`,
  };
}

function textWidth(text: string): number {
  let width = 0;
  for (const char of text) width += /[ijlt.,:;'|!-]/.test(char) ? 4 : /[mwMW]/.test(char) ? 10 : 7;
  return width;
}

/** A moment on a page: machine-readable, exact, and how long ago in words. */
export interface TimeView {
  /** ISO 8601, for <time datetime>. */
  iso: string;
  /** "2026-03-01 08:00:05 UTC": the server does not know the reader's time zone. */
  exact: string;
  /** "just now", "12 s ago", "5 min ago", "3 h ago", "2 d ago"; past a week, the date. */
  ago: string;
}

const UNITS: readonly [number, string][] = [
  [24 * 3600_000, "d"],
  [3600_000, "h"],
  [60_000, "min"],
  [1000, "s"],
];
const WEEK_MS = 7 * 24 * 3600_000;

export function describeTime(at: Date, now: Date): TimeView {
  const iso = at.toISOString();
  const exact = `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
  const past = now.getTime() - at.getTime();
  const unit = UNITS.find(([ms]) => past >= ms);
  let ago: string;
  if (past >= WEEK_MS) ago = iso.slice(0, 10);
  else if (!unit) ago = "just now";
  else ago = `${Math.floor(past / unit[0])} ${unit[1]} ago`;
  return { iso, exact, ago };
}

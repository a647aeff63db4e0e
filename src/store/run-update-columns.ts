import type { RunUpdate } from "./run-store.js";

/** A column of `runs` a state change writes, with its value (null clears it). */
export interface ColumnValue {
  column: string;
  value: string | number | null;
}

/** The columns of `runs` a RunUpdate sets, in both engines' schema. */
export function runUpdateColumns(update: RunUpdate): ColumnValue[] {
  const columns: ColumnValue[] = [];
  if (update.reason !== undefined) columns.push({ column: "reason", value: update.reason });
  if (update.imageDigest !== undefined) {
    columns.push({ column: "image_digest", value: update.imageDigest });
  }
  if (update.source !== undefined) {
    const value = update.source === null ? null : JSON.stringify(update.source);
    columns.push({ column: "image_source", value });
  }
  if (update.exitCode !== undefined) columns.push({ column: "exit_code", value: update.exitCode });
  if (update.attempt !== undefined) columns.push({ column: "attempt", value: update.attempt });
  if (update.verdict !== undefined) columns.push({ column: "verdict", value: update.verdict });
  if (update.steps !== undefined) {
    columns.push({ column: "steps", value: JSON.stringify(update.steps) });
  }
  return columns;
}

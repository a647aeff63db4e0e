import { readFileSync } from "node:fs";

/** A payload from test/fixtures, parsed; each file is named after where it came from. */
export function fixture(name: string): Record<string, unknown> {
  const url = new URL(`../fixtures/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as Record<string, unknown>;
}

/** The same payload as the exact bytes a sender would POST. */
export function fixtureBytes(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
}

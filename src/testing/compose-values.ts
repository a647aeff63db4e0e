import { parseComposeDuration } from "./compose-duration.js";
import type { Problems } from "./problems.js";
import { pathOf } from "./problems.js";
import { splitShellWords } from "./split-shell-words.js";

/** Readers of Compose values: each returns the value, or adds a problem and returns undefined. */

export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function readString(value: unknown, path: string, problems: Problems): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return problems.add(path, "must be a string");
}

export function readBoolean(value: unknown, path: string, problems: Problems): boolean | undefined {
  return typeof value === "boolean" ? value : problems.add(path, "must be true or false");
}

export function readDuration(value: unknown, path: string, problems: Problems): number | undefined {
  const ms = parseComposeDuration(value);
  return ms ?? problems.add(path, `must be a duration such as 30s, 1m30s or 200ms`);
}

/** A list of strings (numbers are taken as written). */
export function readList(value: unknown, path: string, problems: Problems): string[] | undefined {
  if (!Array.isArray(value)) return problems.add(path, "must be a list");
  const items = value.map((item, i) => readString(item, pathOf(path, i), problems));
  return items.every((item) => item !== undefined) ? items : undefined;
}

/** A string or a list of strings, as a list. */
export function readOneOrList(
  value: unknown,
  path: string,
  problems: Problems,
): string[] | undefined {
  return typeof value === "string" ? [value] : readList(value, path, problems);
}

/** `command` / `entrypoint`: a list, or a string split into words as Compose splits it. */
export function readCommand(
  value: unknown,
  path: string,
  problems: Problems,
): string[] | undefined {
  if (typeof value !== "string") return readList(value, path, problems);
  try {
    return splitShellWords(value);
  } catch (error) {
    return problems.add(path, error instanceof Error ? error.message : String(error));
  }
}

/**
 * `environment` / `labels`: a mapping, or a list of "KEY=value". A bare KEY (in a list, or
 * with a null value) takes `bare(KEY)`, and is left out when that is undefined.
 */
export function readKeyValues(
  value: unknown,
  path: string,
  problems: Problems,
  bare: (key: string) => string | undefined = () => undefined,
): Record<string, string> | undefined {
  const pairs: [string, string | undefined][] = [];
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const text = readString(item, pathOf(path, i), problems);
      if (text === undefined) return;
      const equals = text.indexOf("=");
      pairs.push(equals < 0 ? [text, bare(text)] : [text.slice(0, equals), text.slice(equals + 1)]);
    });
  } else if (isMapping(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (item === null) pairs.push([key, bare(key)]);
      else if (typeof item === "string") pairs.push([key, item]);
      else if (typeof item === "number" || typeof item === "boolean")
        pairs.push([key, String(item)]);
      else problems.add(pathOf(path, key), "must be a string, a number or true/false");
    }
  } else {
    return problems.add(path, "must be a mapping or a list of KEY=value");
  }
  const result: Record<string, string> = {};
  for (const [key, item] of pairs) {
    if (key === "" || /\s/.test(key)) problems.add(path, `"${key}" is not a valid name`);
    else if (item !== undefined) result[key] = item;
  }
  return result;
}

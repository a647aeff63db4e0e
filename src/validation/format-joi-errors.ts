import { closest, distance } from "fastest-levenshtein";
import type Joi from "joi";
import { knownKeysAt } from "./known-keys-at.js";

/** `["pipelines", 0, "match", "repository"]` → `pipelines[0].match.repository`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? segment : `.${segment}`;
  }
  return out === "" ? "(root)" : out;
}

const PLAIN_MESSAGES: Record<string, string> = {
  "any.required": "required",
  "object.base": "must be an object",
  "string.base": "must be a string",
  "number.base": "must be a number",
  "array.base": "must be an array",
  "boolean.base": "must be true or false",
  "object.unknown": "is not a known setting",
};

/**
 * Joi's details as `{ path, message }` pairs, messages without the quoted label. Given the
 * schema, an unknown key close to a known one gets it suggested ("did you mean pipelines?").
 */
export function formatJoiErrors(
  error: Joi.ValidationError,
  schema?: Joi.Schema,
): { path: string; message: string }[] {
  return error.details.map((detail) => {
    const message = PLAIN_MESSAGES[detail.type] ?? detail.message.replace(/^"[^"]*" /, "");
    const key = detail.path.at(-1);
    const suggestion =
      schema && detail.type === "object.unknown" && typeof key === "string"
        ? closeKey(key, knownKeysAt(schema, detail.path.slice(0, -1)))
        : undefined;
    return {
      path: formatPath(detail.path),
      message: suggestion ? `${message}: did you mean ${suggestion}?` : message,
    };
  });
}

/** The known key a few typing mistakes away from `key`, if there is one. */
function closeKey(key: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const best = closest(key, [...known]);
  return distance(key.toLowerCase(), best.toLowerCase()) <= Math.max(1, Math.floor(key.length / 3))
    ? best
    : undefined;
}

import type Joi from "joi";

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

/** Joi's details as `{ path, message }` pairs, messages without the quoted label. */
export function formatJoiErrors(error: Joi.ValidationError): { path: string; message: string }[] {
  return error.details.map((detail) => ({
    path: formatPath(detail.path),
    message: PLAIN_MESSAGES[detail.type] ?? detail.message.replace(/^"[^"]*" /, ""),
  }));
}

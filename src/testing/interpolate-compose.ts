import type { Problems } from "./problems.js";
import { pathOf } from "./problems.js";

/** The only values a Compose test file may read: never pushgate's own environment. */
export type ComposeVariables = Readonly<Record<string, string>>;

class InterpolationError extends Error {}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Replaces `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`,
 * `${VAR?error}`, `${VAR:+other}`, `${VAR+other}` and `$$` as Compose does, in every string
 * value (never in keys) below `value`; `x-*` extensions are left as they are. Unset
 * variables are empty. Problems are added under each value's path.
 */
export function interpolateCompose(
  value: unknown,
  variables: ComposeVariables,
  problems: Problems,
  path = "",
): unknown {
  if (typeof value === "string") {
    try {
      return interpolate(value, variables);
    } catch (error) {
      if (!(error instanceof InterpolationError)) throw error;
      problems.add(path, error.message);
      return value;
    }
  }
  if (Array.isArray(value)) {
    return value.map((item, i) => interpolateCompose(item, variables, problems, pathOf(path, i)));
  }
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        key.startsWith("x-")
          ? item
          : interpolateCompose(item, variables, problems, pathOf(path, key)),
      ]),
    );
  }
  return value;
}

/** One string, interpolated; throws InterpolationError naming what is wrong. */
export function interpolate(text: string, variables: ComposeVariables): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf("$", i);
    if (dollar < 0) return out + text.slice(i);
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === "$") {
      out += "$";
      i = dollar + 2;
    } else if (next === "{") {
      const end = closingBrace(text, dollar + 2);
      out += braced(text.slice(dollar + 2, end), variables);
      i = end + 1;
    } else {
      const name = NAME.exec(text.slice(dollar + 1))?.[0];
      if (!name) {
        throw new InterpolationError(
          `invalid interpolation in "${text}": a $ must be followed by a name or { (write $$ for a $)`,
        );
      }
      out += variables[name] ?? "";
      i = dollar + 1 + name.length;
    }
  }
  return out;
}

/** The index of the } closing a ${ whose body starts at `from`, nested ${...} included. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    if (text[i] === "$" && text[i + 1] === "$") i++;
    else if (text[i] === "$" && text[i + 1] === "{") {
      depth++;
      i++;
    } else if (text[i] === "}") {
      if (depth === 0) return i;
      depth--;
    }
  }
  throw new InterpolationError(`invalid interpolation in "${text}": a \${ is never closed`);
}

/** The body of ${...}: a name, then perhaps an operator and a word (itself interpolated). */
function braced(body: string, variables: ComposeVariables): string {
  const name = NAME.exec(body)?.[0];
  const rest = name ? body.slice(name.length) : body;
  const operator = /^(:-|-|:\?|\?|:\+|\+)?/.exec(rest)?.[0] ?? "";
  if (!name || (rest.length > 0 && operator === "")) {
    throw new InterpolationError(`invalid interpolation: \${${body}} is not a variable`);
  }
  const word = (): string => interpolate(rest.slice(operator.length), variables);
  const value = Object.hasOwn(variables, name) ? variables[name] : undefined;
  const unsetOrEmpty = value === undefined || value === "";
  switch (operator) {
    case ":-":
      return unsetOrEmpty ? word() : value;
    case "-":
      return value ?? word();
    case ":?":
    case "?":
      if (operator === ":?" ? unsetOrEmpty : value === undefined) {
        const message = word();
        throw new InterpolationError(
          `required variable ${name} is missing a value${message ? `: ${message}` : ""}`,
        );
      }
      return value ?? "";
    case ":+":
      return unsetOrEmpty ? "" : word();
    case "+":
      return value === undefined ? "" : word();
    default:
      return value ?? "";
  }
}

import type Joi from "joi";
import { formatJoiErrors, formatPath } from "../validation/format-joi-errors.js";
import { PayloadError } from "./payload-error.js";

/** Problems listed in one answer; the rest are counted. */
export const MAX_PROBLEMS = 50;

const OPTIONS: Joi.ValidationOptions = {
  abortEarly: false,
  convert: false,
  allowUnknown: true,
  errors: { label: false },
};

/** Each schema with OPTIONS set on it once: options given per call are merged on every call. */
const prepared = new WeakMap<Joi.Schema, Joi.Schema>();

/**
 * Validates a body against a schema, reporting every problem at once by path (at most
 * MAX_PROBLEMS of them, then how many more there were). `at` is where
 * `body` sits in the whole payload (e.g. `["events", 2]`), so each problem names its full path.
 */
export function validatePayload<T>(
  schema: Joi.Schema<T>,
  body: unknown,
  at: readonly (string | number)[] = [],
): T {
  let withOptions = prepared.get(schema) as Joi.Schema<T> | undefined;
  if (!withOptions) {
    withOptions = schema.prefs(OPTIONS);
    prepared.set(schema, withOptions);
  }
  const result = withOptions.validate(body);
  if (result.error) {
    for (const detail of result.error.details) detail.path = [...at, ...detail.path];
    const problems = formatJoiErrors(result.error);
    if (problems.length > MAX_PROBLEMS) {
      const more = problems.length - MAX_PROBLEMS;
      problems.splice(MAX_PROBLEMS, more, {
        path: formatPath(at),
        message: `and ${more} more problems`,
      });
    }
    throw new PayloadError(problems);
  }
  return result.value;
}

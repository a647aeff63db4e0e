import type Joi from "joi";
import { formatJoiErrors } from "../validation/format-joi-errors.js";
import { PayloadError } from "./payload-error.js";

/**
 * Validates a body against a schema, reporting every problem at once by path. `at` is where
 * `body` sits in the whole payload (e.g. `["events", 2]`), so each problem names its full path.
 */
export function validatePayload<T>(
  schema: Joi.Schema<T>,
  body: unknown,
  at: readonly (string | number)[] = [],
): T {
  const result = schema.validate(body, {
    abortEarly: false,
    convert: false,
    allowUnknown: true,
    errors: { label: false },
  });
  if (result.error) {
    for (const detail of result.error.details) detail.path = [...at, ...detail.path];
    throw new PayloadError(formatJoiErrors(result.error));
  }
  return result.value;
}

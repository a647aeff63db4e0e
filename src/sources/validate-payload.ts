import type Joi from "joi";
import { formatJoiErrors } from "../validation/format-joi-errors.js";
import { PayloadError } from "./payload-error.js";

/** Validates a body against a schema, reporting every problem at once by path. */
export function validatePayload<T>(schema: Joi.Schema<T>, body: unknown): T {
  const result = schema.validate(body, {
    abortEarly: false,
    convert: false,
    allowUnknown: true,
    errors: { label: false },
  });
  if (result.error) throw new PayloadError(formatJoiErrors(result.error));
  return result.value;
}

import Joi from "joi";
import { parseDuration, parseSize } from "./parse-units.js";

// Joi does not run custom rules on defaults, so each default is given already converted.

/** A duration setting ("30s", "10m", a bare number of seconds), converted to ms; no fallback: optional. */
export const duration = (fallback?: string) => {
  const schema = Joi.alternatives(Joi.string(), Joi.number()).custom(
    (value: string | number, helpers) => {
      const ms = parseDuration(value);
      return ms === undefined
        ? helpers.message({ custom: 'must be a duration such as "30s", "10m" or "1h"' })
        : ms;
    },
  );
  return fallback === undefined ? schema : schema.default(parseDuration(fallback));
};

/** A size setting ("512m", "1g"), converted to bytes. */
export const size = (fallback: string) =>
  Joi.alternatives(Joi.string(), Joi.number())
    .default(parseSize(fallback))
    .custom((value: string | number, helpers) => {
      const bytes = parseSize(value);
      return bytes === undefined
        ? helpers.message({ custom: 'must be a size such as "512m" or "1g"' })
        : bytes;
    });

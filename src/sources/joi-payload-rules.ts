import Joi from "joi";

/**
 * An ISO 8601 time that JavaScript can also read. Joi's isoDate() accepts forms such as a
 * two-digit offset ("+01") that `new Date` turns into an invalid date.
 */
export const isoTimestamp = Joi.string()
  .isoDate()
  .custom((value: string, helpers) =>
    Number.isNaN(Date.parse(value))
      ? helpers.message({ custom: "must be an ISO 8601 time such as 2024-01-01T10:00:00Z" })
      : value,
  );

/** Most items a payload array may hold: far above what any registry batches. */
export const MAX_PAYLOAD_ITEMS = 1000;

/**
 * An array of `items`, refused by its length before any item is checked: a sender cannot
 * make validation walk (and report on) an unbounded number of entries.
 */
export function boundedArray(items: Joi.Schema, max = MAX_PAYLOAD_ITEMS): Joi.Schema {
  const short = Joi.array().max(max);
  return Joi.alternatives().conditional(short, {
    then: Joi.array().items(items),
    otherwise: short,
  });
}

import type Joi from "joi";

interface Description {
  type?: string;
  keys?: Record<string, Description>;
  items?: Description[];
  matches?: { schema?: Description }[];
}

/**
 * The keys a schema knows for the object at `path` (array indexes step into the items,
 * alternatives into each object form), for suggesting a close one for an unknown key.
 */
export function knownKeysAt(schema: Joi.Schema, path: readonly (string | number)[]): string[] {
  let here: Description[] = [schema.describe()];
  for (const segment of path) {
    here = here
      .flatMap(forms)
      .flatMap((node) =>
        typeof segment === "number" ? (node.items ?? []) : (node.keys?.[segment] ?? []),
      );
  }
  return [...new Set(here.flatMap(forms).flatMap((node) => Object.keys(node.keys ?? {})))];
}

/** A schema node, or each of its forms when it is a choice between several. */
function forms(node: Description): Description[] {
  if (node.type !== "alternatives") return [node];
  return (node.matches ?? []).flatMap((match) => (match.schema ? forms(match.schema) : []));
}

import { readFileSync } from "node:fs";
import type Joi from "joi";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../../src/config/config-schema.js";

interface Description {
  type?: string;
  keys?: Record<string, Description>;
  items?: Description[];
  matches?: { schema?: Description }[];
}

/** Every setting the schema knows, as `a.b`, `pipelines[].test.command`... */
function settingsOf(description: Description, prefix = ""): string[] {
  if (description.type === "alternatives") {
    return (description.matches ?? []).flatMap((m) =>
      m.schema ? settingsOf(m.schema, prefix) : [],
    );
  }
  if (description.type === "array") {
    return (description.items ?? []).flatMap((item) => settingsOf(item, `${prefix}[]`));
  }
  return Object.entries(description.keys ?? {}).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [path, ...settingsOf(child, path)];
  });
}

const read = (page: string) =>
  readFileSync(new URL(`../../../docs/${page}`, import.meta.url), "utf8");
const pages = { configuration: read("configuration.md"), actions: read("actions.md") };

/**
 * Named on its page (the actions' settings on actions.md, the rest on configuration.md): its
 * path, or the end of it, in backticks, or as the start of a child's; or its name as a YAML key.
 */
function documented(path: string): boolean {
  const page = path.includes(".on.") ? pages.actions : pages.configuration;
  const segments = path.replace(/\[\]/g, "").split(".");
  const name = segments.at(-1) ?? path;
  const suffixes = segments.map((_, i) => segments.slice(i).join("."));
  return (
    page.includes(`\`${path}.`) ||
    suffixes.some((suffix) => page.includes(`\`${suffix}\``)) ||
    new RegExp(`(^|[\\s{,])${name}:`, "m").test(page)
  );
}

describe("docs/configuration.md and docs/actions.md", () => {
  it("name every setting the config schema knows", () => {
    const settings = [...new Set(settingsOf((configSchema as Joi.Schema).describe()))];
    expect(settings.length).toBeGreaterThan(50);
    expect(settings.filter((path) => !documented(path))).toEqual([]);
  });
});

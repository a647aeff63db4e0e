/** Values an action's parameters, URL, headers and body may name as `{{name}}`. */
export const TEMPLATE_NAMES = [
  "repository",
  "tag",
  "digest",
  "image",
  "runId",
  "result",
  "pipeline",
  "registry",
  "revision",
  "source",
] as const;

export type TemplateName = (typeof TEMPLATE_NAMES)[number];
export type TemplateValues = Record<TemplateName, string>;

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** Placeholders in `text` that are not among `names` (template names), for config validation. */
export function unknownPlaceholders(
  text: string,
  names: readonly string[] = TEMPLATE_NAMES,
): string[] {
  const known = new Set<string>(names);
  return [...text.matchAll(PLACEHOLDER)]
    .map((match) => match[1] ?? "")
    .filter((name) => !known.has(name));
}

/** Replaces every `{{name}}` with its value; the text is never evaluated. */
export function renderTemplate(text: string, values: TemplateValues): string {
  return text.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(values, name) ? values[name as TemplateName] : whole,
  );
}

/** Renders every string inside a JSON value (a body template), keys untouched. */
export function renderJson(value: unknown, values: TemplateValues): unknown {
  if (typeof value === "string") return renderTemplate(value, values);
  if (Array.isArray(value)) return value.map((item) => renderJson(item, values));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, renderJson(item, values)]),
    );
  }
  return value;
}

/** Renders a URL: values are percent-encoded, so a tag can never add a path or parameter. */
export function renderUrlTemplate(url: string, values: TemplateValues): string {
  const encoded = { ...values };
  for (const name of TEMPLATE_NAMES) encoded[name] = encodeURIComponent(values[name]);
  return renderTemplate(url, encoded);
}

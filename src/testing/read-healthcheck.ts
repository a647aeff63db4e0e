import type { ComposeHealthcheck } from "./compose-test.js";
import { isMapping, readBoolean, readDuration, readList } from "./compose-values.js";
import type { Problems } from "./problems.js";
import { pathOf } from "./problems.js";
import { UNKNOWN_KEY } from "./refused-compose-keys.js";

const DURATIONS = {
  interval: "intervalMs",
  timeout: "timeoutMs",
  start_period: "startPeriodMs",
  start_interval: "startIntervalMs",
} as const;

/**
 * A service's `healthcheck` in Docker's terms: `test` as a string (run by the container's
 * shell), ["CMD", ...], ["CMD-SHELL", "..."] or ["NONE"]; `disable: true` is ["NONE"].
 */
export function readHealthcheck(
  value: unknown,
  path: string,
  problems: Problems,
): ComposeHealthcheck | undefined {
  if (!isMapping(value)) return problems.add(path, "must be a mapping");
  const check: ComposeHealthcheck = { test: [] };
  for (const [key, item] of Object.entries(value)) {
    const at = pathOf(path, key);
    if (key === "test") check.test = readTest(item, at, problems) ?? [];
    else if (key === "retries") {
      if (Number.isInteger(item) && (item as number) >= 0) check.retries = item as number;
      else problems.add(at, "must be a whole number");
    } else if (key === "disable") {
      if (readBoolean(item, at, problems)) return { test: ["NONE"] };
    } else if (Object.hasOwn(DURATIONS, key)) {
      const ms = readDuration(item, at, problems);
      if (ms !== undefined) check[DURATIONS[key as keyof typeof DURATIONS]] = ms;
    } else if (!key.startsWith("x-")) problems.add(at, UNKNOWN_KEY);
  }
  return check;
}

function readTest(value: unknown, path: string, problems: Problems): string[] | undefined {
  if (typeof value === "string") return ["CMD-SHELL", value];
  const test = readList(value, path, problems);
  if (!test) return undefined;
  const [kind, ...rest] = test;
  if (kind === "NONE" && rest.length === 0) return test;
  if (kind === "CMD" && rest.length > 0) return test;
  if (kind === "CMD-SHELL" && rest.length === 1) return test;
  return problems.add(path, 'must be a string, ["CMD", ...], ["CMD-SHELL", "command"] or ["NONE"]');
}

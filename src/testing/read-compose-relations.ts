import type { DependencyCondition } from "./compose-test.js";
import { isMapping, readList } from "./compose-values.js";
import { pathOf, type Problems } from "./problems.js";
import type { ReadService } from "./read-compose-service.js";
import { notAllowed, UNKNOWN_KEY } from "./refused-compose-keys.js";

const CONDITIONS: readonly string[] = [
  "service_started",
  "service_healthy",
  "service_completed_successfully",
];

/** `depends_on`: a list of services, or a mapping of service: { condition, required, restart }. */
export function readDependsOn(
  value: unknown,
  path: string,
  read: ReadService,
  problems: Problems,
): void {
  const add = (service: string, condition: DependencyCondition) =>
    read.service.dependsOn.push({ service, condition });
  if (Array.isArray(value)) {
    (readList(value, path, problems) ?? []).forEach((service) => add(service, "service_started"));
    return;
  }
  if (!isMapping(value)) {
    problems.add(path, "must be a list of services or a mapping of service: { condition }");
    return;
  }
  for (const [service, long] of Object.entries(value)) {
    const at = pathOf(path, service);
    const options = long === null ? {} : long;
    if (!isMapping(options)) {
      problems.add(at, "must be a mapping such as { condition: service_healthy }");
      continue;
    }
    const { condition = "service_started", required = true, restart: _restart, ...rest } = options;
    Object.keys(rest).forEach((key) => problems.add(pathOf(at, key), UNKNOWN_KEY));
    if (typeof condition !== "string" || !CONDITIONS.includes(condition)) {
      problems.add(pathOf(at, "condition"), `must be one of ${CONDITIONS.join(", ")}`);
      continue;
    }
    if (required === false) read.optional.add(service);
    else if (required !== true) problems.add(pathOf(at, "required"), "must be true or false");
    add(service, condition as DependencyCondition);
  }
}

/** `networks`: only the default one, the test's own; it may give the service more names. */
export function readNetworks(
  value: unknown,
  path: string,
  read: ReadService,
  problems: Problems,
): void {
  const other = "networks other than the default: every service is on the test's own network";
  if (Array.isArray(value)) {
    (readList(value, path, problems) ?? [])
      .filter((network) => network !== "default")
      .forEach((network) => problems.add(pathOf(path, network), notAllowed(other)));
    return;
  }
  if (!isMapping(value)) {
    problems.add(path, "must be a list or a mapping of networks");
    return;
  }
  for (const [network, options] of Object.entries(value)) {
    const at = pathOf(path, network);
    if (network !== "default") problems.add(at, notAllowed(other));
    else if (isMapping(options)) {
      for (const [key, item] of Object.entries(options)) {
        if (key !== "aliases") problems.add(pathOf(at, key), UNKNOWN_KEY);
        else read.service.aliases.push(...(readList(item, pathOf(at, key), problems) ?? []));
      }
    } else if (options !== null) problems.add(at, "must be a mapping");
  }
}

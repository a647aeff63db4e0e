import { ComposeError, type ComposeService, type ComposeTest } from "./compose-test.js";
import { isMapping } from "./compose-values.js";
import { interpolateCompose, type ComposeVariables } from "./interpolate-compose.js";
import { parseComposeYaml, type ComposeDocument } from "./parse-compose-yaml.js";
import { Problems, pathOf } from "./problems.js";
import { readComposeService, type ReadService } from "./read-compose-service.js";
import {
  notAllowed,
  REFUSED_TOP_KEYS,
  REFUSED_VOLUME_KEYS,
  UNKNOWN_KEY,
} from "./refused-compose-keys.js";

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const IGNORED_TOP_KEYS = new Set(["version", "name", "services", "volumes", "networks"]);

/**
 * Reads a Compose test file as Compose would (YAML, then interpolation from `variables`
 * only, never pushgate's environment) and checks every key against what a test may do.
 * Throws a ComposeError naming the file, and for each problem the service and the key.
 */
export function readComposeFile(
  text: string,
  file: string,
  variables: ComposeVariables,
): ComposeTest {
  const problems = new Problems();
  const document = interpolateCompose(
    parseComposeYaml(text, file),
    variables,
    problems,
  ) as ComposeDocument;
  for (const key of Object.keys(document)) {
    const refused = REFUSED_TOP_KEYS[key];
    if (refused !== undefined) problems.add(key, notAllowed(refused));
    else if (!IGNORED_TOP_KEYS.has(key) && !key.startsWith("x-")) problems.add(key, UNKNOWN_KEY);
  }
  const declared = readTopVolumes(document.volumes, problems);
  readTopNetworks(document.networks, problems);
  const volumes = [...declared];
  const scope = {
    variables,
    declared,
    anonymous: () => {
      const key = `anonymous:${volumes.length}`;
      volumes.push(key);
      return key;
    },
  };
  const read: ReadService[] = [];
  for (const [name, raw] of Object.entries(document.services)) {
    if (!NAME.test(name)) problems.add(pathOf("services", name), "is not a valid service name");
    else if (!isMapping(raw)) problems.add(pathOf("services", name), "must be a mapping");
    else read.push(readComposeService(name, raw, scope, problems));
  }
  const services = linkServices(read, problems);
  if (!problems.empty) throw new ComposeError(file, problems.list);
  return { file, services, volumes };
}

function readTopVolumes(value: unknown, problems: Problems): Set<string> {
  const declared = new Set<string>();
  if (value === undefined || value === null) return declared;
  if (!isMapping(value)) return problems.add("volumes", "must be a mapping") ?? declared;
  for (const [name, options] of Object.entries(value)) {
    const path = pathOf("volumes", name);
    if (!NAME.test(name)) problems.add(path, "is not a valid volume name");
    else declared.add(name);
    if (options === null) continue;
    if (!isMapping(options)) {
      problems.add(path, "must be a mapping");
      continue;
    }
    for (const key of Object.keys(options)) {
      const refused = REFUSED_VOLUME_KEYS[key];
      if (refused !== undefined) problems.add(pathOf(path, key), notAllowed(refused));
      else if (key !== "labels" && !key.startsWith("x-"))
        problems.add(pathOf(path, key), UNKNOWN_KEY);
    }
  }
  return declared;
}

function readTopNetworks(value: unknown, problems: Problems): void {
  if (value === undefined || value === null) return;
  if (!isMapping(value)) {
    problems.add("networks", "must be a mapping");
    return;
  }
  for (const [name, options] of Object.entries(value)) {
    const path = pathOf("networks", name);
    if (name !== "default") {
      problems.add(
        path,
        notAllowed("networks other than the default: every service is on the test's own network"),
      );
    } else if (isMapping(options) && options.external !== undefined) {
      problems.add(
        pathOf(path, "external"),
        notAllowed("external network: the test has a network of its own"),
      );
    } else if (isMapping(options) && Object.keys(options).length > 0) {
      problems.add(path, notAllowed("the default network is the test's own, made by pushgate"));
    }
  }
}

/** Checks what services name (dependencies, links), adds links, and refuses cycles. */
function linkServices(read: readonly ReadService[], problems: Problems): ComposeService[] {
  const byName = new Map(read.map((r) => [r.service.name, r.service]));
  for (const { service, optional, links } of read) {
    service.dependsOn = service.dependsOn.filter(({ service: name }) => {
      if (byName.has(name)) return true;
      if (!optional.has(name)) {
        problems.add(`services.${service.name}.depends_on`, `service ${name} is not in the file`);
      }
      return false;
    });
    for (const link of links) {
      const target = byName.get(link.service);
      if (!target) {
        problems.add(
          `services.${service.name}.links`,
          `service ${link.service} is not in the file`,
        );
        continue;
      }
      if (link.alias !== target.name) target.aliases.push(link.alias);
      if (!service.dependsOn.some((d) => d.service === target.name)) {
        service.dependsOn.push({ service: target.name, condition: "service_started" });
      }
    }
  }
  const state = new Map<string, "visiting" | "done">();
  const visit = (service: ComposeService, chain: string[]): void => {
    if (state.get(service.name) === "done") return;
    if (state.get(service.name) === "visiting") {
      problems.add(
        `services.${service.name}.depends_on`,
        `cycle: ${[...chain, service.name].join(" → ")}`,
      );
      return;
    }
    state.set(service.name, "visiting");
    for (const dependency of service.dependsOn) {
      const next = byName.get(dependency.service);
      if (next) visit(next, [...chain, service.name]);
    }
    state.set(service.name, "done");
  };
  byName.forEach((service) => visit(service, []));
  return [...byName.values()];
}

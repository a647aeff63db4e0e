import { isValidImageReference } from "../docker/image-reference.js";
import type { ComposeService } from "./compose-test.js";
import {
  readBoolean,
  readCommand,
  readDuration,
  readKeyValues,
  readList,
  readString,
} from "./compose-values.js";
import type { ComposeVariables } from "./interpolate-compose.js";
import type { Problems } from "./problems.js";
import { pathOf } from "./problems.js";
import { readHealthcheck } from "./read-healthcheck.js";
import { readDependsOn, readNetworks } from "./read-compose-relations.js";
import { readTmpfs, readVolumes, type VolumeScope } from "./read-compose-mounts.js";
import { notAllowed, REFUSED_SERVICE_KEYS, UNKNOWN_KEY } from "./refused-compose-keys.js";

export interface ServiceScope extends VolumeScope {
  variables: ComposeVariables;
}

/** A service as read, before the file checks what it names (dependencies, links). */
export interface ReadService {
  service: ComposeService;
  /** Dependencies that may be missing from the file (`required: false`). */
  optional: Set<string>;
  /** `links`: services it needs, and the names it calls them by. */
  links: { service: string; alias: string }[];
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const EXPOSE = /^\d{1,5}(-\d{1,5})?(\/(tcp|udp|sctp))?$/;
const SAFE_SECURITY_OPT = /^no-new-privileges([:=]true)?$/;

type Reader = (
  value: unknown,
  path: string,
  read: ReadService,
  raw: Record<string, unknown>,
) => void;

/** Reads one service of a Compose test file; what it may not do is added to `problems`. */
export function readComposeService(
  name: string,
  raw: Record<string, unknown>,
  scope: ServiceScope,
  problems: Problems,
): ReadService {
  const read: ReadService = {
    service: {
      name,
      image: { tested: true },
      environment: {},
      dependsOn: [],
      tmpfs: {},
      labels: {},
      expose: [],
      aliases: [],
      mounts: [],
    },
    optional: new Set(),
    links: [],
  };
  const { service } = read;
  const string = (value: unknown, path: string) => readString(value, path, problems);
  const readers: Record<string, Reader> = {
    image: () => undefined, // with build, below
    build: () => undefined,
    command: (v, p) => assign("command", v === null ? undefined : readCommand(v, p, problems)),
    entrypoint: (v, p) =>
      assign("entrypoint", v === null ? undefined : readCommand(v, p, problems)),
    environment: (v, p) =>
      assign(
        "environment",
        readKeyValues(v, p, problems, (key) => scope.variables[key]),
      ),
    depends_on: (v, p) => readDependsOn(v, p, read, problems),
    healthcheck: (v, p) => assign("healthcheck", readHealthcheck(v, p, problems)),
    working_dir: (v, p) => assign("workingDir", string(v, p)),
    user: (v, p) => assign("user", string(v, p)),
    hostname: (v, p) => assign("hostname", string(v, p)),
    tmpfs: (v, p) => assign("tmpfs", readTmpfs(v, p, problems)),
    labels: (v, p) => {
      const labels = readKeyValues(v, p, problems) ?? {};
      const own = Object.keys(labels).find((key) => key.startsWith("pushgate."));
      if (own)
        problems.add(pathOf(p, own), notAllowed("labels under pushgate. are pushgate's own"));
      else service.labels = labels;
    },
    expose: (v, p) => {
      const ports = readList(v, p, problems) ?? [];
      const bad = ports.find((port) => !EXPOSE.test(port));
      if (bad !== undefined) problems.add(p, `${bad} is not a port such as 5432 or 53/udp`);
      else service.expose = ports;
    },
    init: (v, p) => assign("init", readBoolean(v, p, problems)),
    read_only: (v, p) => assign("readOnly", readBoolean(v, p, problems)),
    stop_grace_period: (v, p) => assign("stopGracePeriodMs", readDuration(v, p, problems)),
    container_name: (v, p) => {
      const alias = string(v, p);
      if (alias !== undefined && NAME.test(alias)) service.aliases.push(alias);
      else if (alias !== undefined) problems.add(p, `${alias} is not a valid name`);
    },
    links: (v, p) =>
      (readList(v, p, problems) ?? []).forEach((link) => {
        const [target = "", alias = target] = link.split(":");
        read.links.push({ service: target, alias });
      }),
    volumes: (v, p) => (service.mounts = readVolumes(v, p, problems, scope)),
    networks: (v, p) => readNetworks(v, p, read, problems),
    security_opt: (v, p) =>
      (readList(v, p, problems) ?? []).forEach((option, i) => {
        if (!SAFE_SECURITY_OPT.test(option)) {
          problems.add(pathOf(p, i), notAllowed(`${option} weakens the lockdown`));
        }
      }),
    ipc: (v, p) => namespace(v, p, ["private", "shareable"], problems),
    cgroup: (v, p) => namespace(v, p, ["private"], problems),
    // Every capability is dropped anyway, and nothing is restarted in a test.
    cap_drop: () => undefined,
    restart: () => undefined,
  };
  function assign<K extends keyof ComposeService>(
    key: K,
    value: ComposeService[K] | undefined,
  ): void {
    if (value !== undefined) service[key] = value;
  }

  for (const [key, value] of Object.entries(raw)) {
    const path = `services.${name}.${key}`;
    const refused = REFUSED_SERVICE_KEYS[key];
    const reader = Object.hasOwn(readers, key) ? readers[key] : undefined;
    if (key.startsWith("x-")) continue;
    if (refused !== undefined) problems.add(path, notAllowed(refused));
    else if (reader) reader(value, path, read, raw);
    else problems.add(path, UNKNOWN_KEY);
  }
  readImage(raw, name, scope, read, problems);
  return read;
}

/** `build:` (any form) or `image: $IMAGE_NAME`: the pulled digest; other images are pulled. */
function readImage(
  raw: Record<string, unknown>,
  name: string,
  scope: ServiceScope,
  read: ReadService,
  problems: Problems,
): void {
  if (raw.build !== undefined) return;
  const path = `services.${name}.image`;
  if (raw.image === undefined) {
    problems.add(`services.${name}`, "needs image or build (build: . runs the image under test)");
    return;
  }
  const reference = readString(raw.image, path, problems);
  if (reference === undefined || reference === scope.variables.IMAGE_NAME) return;
  if (!isValidImageReference(reference))
    problems.add(path, `${reference} is not an image reference`);
  else read.service.image = { tested: false, reference };
}

function namespace(value: unknown, path: string, allowed: string[], problems: Problems): void {
  if (typeof value !== "string" || !allowed.includes(value)) {
    problems.add(
      path,
      notAllowed(`shares the host's or another container's namespace: ${String(value)}`),
    );
  }
}

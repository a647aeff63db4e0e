import type Dockerode from "dockerode";
import type { ComposeService } from "../testing/compose-test.js";
import { labelsOf, type RunOwner } from "./labels.js";
import { lockedDownHostConfig, userOf, type TestLockdown, type TestResources } from "./lockdown.js";

/** Marks which service of a Compose test a container runs. */
export const COMPOSE_SERVICE_LABEL = "pushgate.compose.service";

export interface ComposeContainerSpec {
  owner: RunOwner;
  name: string;
  service: ComposeService;
  imageId: string;
  /** The Autotest variables; the service's own `environment` wins over them. */
  env: Record<string, string>;
  network: string;
  /** Docker volume name for each volume key the service mounts. */
  volumes: ReadonlyMap<string, string>;
  resources: TestResources;
  /** test.runtime, readOnly, tmpfs and user: the pipeline's, over the file's own. */
  lockdown: TestLockdown;
}

const ms = (value: number | undefined) =>
  value === undefined ? undefined : Math.round(value * 1e6);

/**
 * A Compose service as a container: its keys in Docker's terms, on the test's network under
 * its name and aliases, with the same lockdown, limits and run labels as every test container
 * (its own labels never replace pushgate's). The pipeline's test.runtime, test.user and
 * test.readOnly apply over the file's: its `user` gives way to test.user, its `read_only`
 * can only add to test.readOnly, and test.tmpfs mounts win over its own at the same path.
 */
export function composeContainerOptions(
  spec: ComposeContainerSpec,
): Dockerode.ContainerCreateOptions {
  const { service, owner, network } = spec;
  const check = service.healthcheck;
  const healthcheck = check && {
    Test: check.test,
    Interval: ms(check.intervalMs),
    Timeout: ms(check.timeoutMs),
    Retries: check.retries,
    StartPeriod: ms(check.startPeriodMs),
    StartInterval: ms(check.startIntervalMs),
  };
  // Volumes by the Docker names pushgate gave them (never a host path); tmpfs by options.
  const binds = service.mounts.flatMap((mount) => {
    if (mount.type !== "volume") return [];
    const options = [mount.readOnly ? "ro" : "rw", ...(mount.noCopy ? ["nocopy"] : [])];
    return [`${spec.volumes.get(mount.volume) ?? ""}:${mount.target}:${options.join(",")}`];
  });
  const tmpfs = { ...service.tmpfs };
  for (const mount of service.mounts) {
    if (mount.type !== "tmpfs") continue;
    const size = mount.sizeBytes !== undefined ? [`size=${mount.sizeBytes}`] : [];
    const mode = mount.mode !== undefined ? [`mode=${mount.mode}`] : [];
    tmpfs[mount.target] = [...size, ...mode].join(",");
  }
  const base = lockedDownHostConfig(spec.resources, network, spec.lockdown);
  return {
    name: spec.name,
    Image: spec.imageId,
    ...(service.hostname !== undefined ? { Hostname: service.hostname } : {}),
    ...(service.command ? { Cmd: service.command } : {}),
    ...(service.entrypoint
      ? { Entrypoint: service.entrypoint.length > 0 ? service.entrypoint : [""] }
      : {}),
    Env: Object.entries({ ...spec.env, ...service.environment }).map(([k, v]) => `${k}=${v}`),
    Labels: {
      ...service.labels,
      ...labelsOf(owner, "compose"),
      [COMPOSE_SERVICE_LABEL]: service.name,
    },
    ...(service.workingDir !== undefined ? { WorkingDir: service.workingDir } : {}),
    ...(service.user !== undefined ? { User: service.user } : {}),
    ...userOf(spec.lockdown),
    ExposedPorts: Object.fromEntries(
      service.expose.map((port) => [port.includes("/") ? port : `${port}/tcp`, {}]),
    ),
    ...(healthcheck ? { Healthcheck: healthcheck } : {}),
    ...(service.stopGracePeriodMs !== undefined
      ? { StopTimeout: Math.ceil(service.stopGracePeriodMs / 1000) }
      : {}),
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    OpenStdin: false,
    HostConfig: {
      ...base,
      ...(service.init !== undefined ? { Init: service.init } : {}),
      ...(service.readOnly ? { ReadonlyRootfs: true } : {}),
      Tmpfs: { ...tmpfs, ...base.Tmpfs },
      Binds: binds,
    },
    NetworkingConfig: {
      EndpointsConfig: { [network]: { Aliases: [service.name, ...service.aliases] } },
    },
  };
}

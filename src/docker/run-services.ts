import type Dockerode from "dockerode";
import type { ServiceConfig } from "../config/config.js";
import { copyLastLines } from "./copy-last-lines.js";
import { createContainer } from "./create-container.js";
import { DockerError, dockerFailure, engineMessage } from "./docker-error.js";
import type { EngineCalls } from "./engine-calls.js";
import { labelsOf, nameOf, type RunOwner } from "./labels.js";
import { serviceHostConfig, userOf, type TestLockdown } from "./lockdown.js";
import { removeContainer, removeNetwork } from "./remove-container.js";
import { waitForService } from "./wait-for-service.js";

export interface ServiceSpec {
  config: ServiceConfig;
  /** The image ID pulled for this service. */
  imageId: string;
}

export interface ServiceLimits {
  memoryBytes: number;
  pids: number;
}

/**
 * A run's service containers (the database its test needs) on a network of their own with
 * no way out (not even to the host), each reachable by its name. Tracks what it created so that
 * remove() cleans up on every path, including a start that failed halfway.
 */
export class RunServices {
  private network: Dockerode.Network | undefined;
  private readonly containers: Dockerode.Container[] = [];

  constructor(
    private readonly docker: Dockerode,
    private readonly calls: EngineCalls,
    private readonly owner: RunOwner,
  ) {}

  /** The internal network's name once services started. */
  get networkName(): string | undefined {
    return this.network ? nameOf(this.owner, "net") : undefined;
  }

  /** Starts every service and resolves when all are ready; their logs go to `onOutput`. */
  async start(
    specs: readonly ServiceSpec[],
    limits: ServiceLimits,
    lockdown: TestLockdown,
    onOutput: (stream: string, data: Buffer) => void,
    signal: AbortSignal,
  ): Promise<void> {
    if (specs.length === 0) return;
    const { calls } = this;
    const network = nameOf(this.owner, "net");
    try {
      const create: Dockerode.NetworkCreateOptions = {
        Name: network,
        Driver: "bridge",
        // Internal: no route out. No address on the host's side of the bridge either, so
        // the containers cannot reach services listening on the host.
        Internal: true,
        Options: { "com.docker.network.bridge.inhibit_ipv4": "true" },
        CheckDuplicate: true,
        Labels: labelsOf(this.owner, "network"),
      };
      // Not cut short by a cancel (checked between calls): what was made must be known to be
      // removed.
      this.network = await calls.run("create services network", (abortSignal) =>
        this.docker.createNetwork({ ...create, abortSignal }),
      );
      for (const spec of specs) {
        signal.throwIfAborted();
        const options = createOptions(this.owner, spec, network, limits, lockdown);
        const what = `service ${spec.config.name}`;
        const container = await createContainer(this.docker, calls, what, options);
        this.containers.push(container);
        signal.throwIfAborted();
        await calls.run(`start ${what}`, (abortSignal) => container.start({ abortSignal }));
      }
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw dockerFailure("starting services", error, calls.host);
    }
    await Promise.all(
      specs.map(async (spec, i) => {
        const container = this.containers[i];
        if (!container) return;
        try {
          await waitForService(container, spec.config, calls, signal);
        } catch (error) {
          if (signal.aborted) throw signal.reason;
          if (error instanceof DockerError) throw error;
          await copyLastLines(container, `service ${spec.config.name}`, calls, onOutput);
          throw new DockerError(
            "service_failed",
            `service ${spec.config.name} ${engineMessage(error)}`,
          );
        }
      }),
    );
  }

  /** Removes the services' containers, then their network. */
  async remove(): Promise<void> {
    const { calls } = this;
    await Promise.all(this.containers.map((c) => removeContainer(c, calls).catch(() => undefined)));
    if (this.network) await removeNetwork(this.network, calls).catch(() => undefined);
  }
}

function createOptions(
  owner: RunOwner,
  spec: ServiceSpec,
  network: string,
  limits: ServiceLimits,
  lockdown: TestLockdown,
): Dockerode.ContainerCreateOptions {
  const { name, command, env } = spec.config;
  return {
    name: nameOf(owner, `svc-${name}`),
    Hostname: name,
    Image: spec.imageId,
    ...(command ? { Cmd: command } : {}),
    Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
    Labels: labelsOf(owner, "service"),
    ...userOf(lockdown),
    HostConfig: serviceHostConfig(limits, network, spec.config, lockdown),
    NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [name] } } },
  };
}

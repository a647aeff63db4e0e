import type Dockerode from "dockerode";
import { dockerFailure } from "./docker-error.js";
import { INSTANCE_LABEL, RUN_LABEL } from "./labels.js";
import { removeContainer, removeNetwork } from "./remove-container.js";

export interface Reaped {
  containers: number;
  networks: number;
}

type Labelled = { Id: string; Labels?: Record<string, string> };

/** The part of the engine the reaper uses. */
export interface ReaperEngine {
  listContainers(options: Dockerode.ContainerListOptions): Promise<Labelled[]>;
  listNetworks(options: Dockerode.NetworkListOptions): Promise<Labelled[]>;
  getContainer(id: string): Pick<Dockerode.Container, "remove">;
  getNetwork(id: string): Pick<Dockerode.Network, "remove">;
}

/**
 * Removes containers and networks this pushgate instance created for runs that are not
 * being executed (left behind by a crash or a lost engine connection). Another instance's
 * objects, told apart by the pushgate.instance label, are never touched.
 */
export class Reaper {
  constructor(
    private readonly docker: ReaperEngine,
    private readonly dockerHost: string,
    private readonly instanceId: string,
  ) {}

  /**
   * Removes the containers and networks of one run, whichever instance created them: a run
   * taken over from a process that is gone, on this engine.
   */
  async reapRun(runId: string): Promise<Reaped> {
    const filters = { label: [`${RUN_LABEL}=${runId}`] };
    try {
      const containers = await this.docker.listContainers({ all: true, filters });
      await Promise.all(containers.map((c) => removeContainer(this.docker.getContainer(c.Id))));
      const networks = await this.docker.listNetworks({ filters });
      await Promise.all(networks.map((n) => removeNetwork(this.docker.getNetwork(n.Id))));
      return { containers: containers.length, networks: networks.length };
    } catch (error) {
      throw dockerFailure("removing a run's leftovers", error, this.dockerHost);
    }
  }

  async reap(isActive: (runId: string) => boolean): Promise<Reaped> {
    const filters = { label: [`${INSTANCE_LABEL}=${this.instanceId}`] };
    try {
      const containers = (await this.docker.listContainers({ all: true, filters })).filter(
        (c) => !isActive(c.Labels?.[RUN_LABEL] ?? ""),
      );
      await Promise.all(containers.map((c) => removeContainer(this.docker.getContainer(c.Id))));
      const networks = (await this.docker.listNetworks({ filters })).filter(
        (n) => !isActive(n.Labels?.[RUN_LABEL] ?? ""),
      );
      await Promise.all(networks.map((n) => removeNetwork(this.docker.getNetwork(n.Id))));
      return { containers: containers.length, networks: networks.length };
    } catch (error) {
      throw dockerFailure("reaping leftovers", error, this.dockerHost);
    }
  }
}

import type Dockerode from "dockerode";
import { dockerFailure } from "./docker-error.js";
import { INSTANCE_LABEL, RUN_LABEL } from "./labels.js";
import { removeContainer, removeNetwork, removeVolume } from "./remove-container.js";

export interface Reaped {
  containers: number;
  networks: number;
  volumes: number;
}

type Labelled = { Id: string; Labels?: Record<string, string> };

/** The part of the engine the reaper uses. */
export interface ReaperEngine {
  listContainers(options: Dockerode.ContainerListOptions): Promise<Labelled[]>;
  listNetworks(options: Dockerode.NetworkListOptions): Promise<Labelled[]>;
  getContainer(id: string): Pick<Dockerode.Container, "remove">;
  getNetwork(id: string): Pick<Dockerode.Network, "remove">;
  listVolumes(options: { filters: Record<string, string[]> }): Promise<{
    Volumes: { Name: string; Labels: Record<string, string> | null }[] | null;
  }>;
  getVolume(name: string): Pick<Dockerode.Volume, "remove">;
}

/**
 * Removes containers, networks and volumes this pushgate instance created for runs that are not
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
   * Removes the containers, networks and volumes of one run, whichever instance created them:
   * a run taken over from a process that is gone, on this engine.
   */
  reapRun(runId: string): Promise<Reaped> {
    return this.remove([`${RUN_LABEL}=${runId}`], () => false, "removing a run's leftovers");
  }

  reap(isActive: (runId: string) => boolean): Promise<Reaped> {
    return this.remove([`${INSTANCE_LABEL}=${this.instanceId}`], isActive, "reaping leftovers");
  }

  private async remove(
    label: string[],
    isActive: (runId: string) => boolean,
    doing: string,
  ): Promise<Reaped> {
    const filters = { label };
    try {
      const containers = (await this.docker.listContainers({ all: true, filters })).filter(
        (c) => !isActive(c.Labels?.[RUN_LABEL] ?? ""),
      );
      await Promise.all(containers.map((c) => removeContainer(this.docker.getContainer(c.Id))));
      const networks = (await this.docker.listNetworks({ filters })).filter(
        (n) => !isActive(n.Labels?.[RUN_LABEL] ?? ""),
      );
      await Promise.all(networks.map((n) => removeNetwork(this.docker.getNetwork(n.Id))));
      const volumes = ((await this.docker.listVolumes({ filters })).Volumes ?? []).filter(
        (v) => !isActive(v.Labels?.[RUN_LABEL] ?? ""),
      );
      await Promise.all(volumes.map((v) => removeVolume(this.docker.getVolume(v.Name))));
      return { containers: containers.length, networks: networks.length, volumes: volumes.length };
    } catch (error) {
      throw dockerFailure(doing, error, this.dockerHost);
    }
  }
}

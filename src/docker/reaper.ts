import type Dockerode from "dockerode";
import { dockerFailure } from "./docker-error.js";
import type { EngineCalls } from "./engine-calls.js";
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
  getContainer(id: string): Pick<Dockerode.Container, "remove" | "id">;
  getNetwork(id: string): Pick<Dockerode.Network, "remove" | "id">;
  listVolumes(options: { filters: Record<string, string[]>; abortSignal?: AbortSignal }): Promise<{
    Volumes: { Name: string; Labels: Record<string, string> | null }[] | null;
  }>;
  getVolume(name: string): Pick<Dockerode.Volume, "remove" | "name">;
}

/**
 * Removes containers, networks and volumes this pushgate instance created for runs that are not
 * being executed (left behind by a crash or a lost engine connection). Another instance's
 * objects, told apart by the pushgate.instance label, are never touched.
 */
export class Reaper {
  constructor(
    private readonly docker: ReaperEngine,
    private readonly calls: EngineCalls,
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
    const { docker, calls } = this;
    const filters = { label };
    try {
      const listed = await calls.run("list containers", (abortSignal) =>
        docker.listContainers({ all: true, filters, abortSignal }),
      );
      const containers = listed.filter((c) => !isActive(c.Labels?.[RUN_LABEL] ?? ""));
      await Promise.all(containers.map((c) => removeContainer(docker.getContainer(c.Id), calls)));
      const networks = (
        await calls.run("list networks", (abortSignal) =>
          docker.listNetworks({ filters, abortSignal }),
        )
      ).filter((n) => !isActive(n.Labels?.[RUN_LABEL] ?? ""));
      await Promise.all(networks.map((n) => removeNetwork(docker.getNetwork(n.Id), calls)));
      const { Volumes } = await calls.run("list volumes", (abortSignal) =>
        docker.listVolumes({ filters, abortSignal }),
      );
      const volumes = (Volumes ?? []).filter((v) => !isActive(v.Labels?.[RUN_LABEL] ?? ""));
      await Promise.all(volumes.map((v) => removeVolume(docker.getVolume(v.Name), calls)));
      return { containers: containers.length, networks: networks.length, volumes: volumes.length };
    } catch (error) {
      throw dockerFailure(doing, error, calls.host);
    }
  }
}

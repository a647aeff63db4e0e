import type Dockerode from "dockerode";
import { dockerFailure } from "./docker-error.js";
import { labelsOf, nameOf, type RunOwner } from "./labels.js";
import { lockedDownHostConfig, type TestResources } from "./lockdown.js";
import { removeContainer } from "./remove-container.js";
import { runToExit, type TestResult } from "./run-to-exit.js";

export type { TestResult } from "./run-to-exit.js";

export interface TestContainerSpec {
  owner: RunOwner;
  /** The image ID pulled for this run. */
  imageId: string;
  /** argv replacing the image's CMD; the image's own when omitted. */
  command?: string[];
  env: Record<string, string>;
  /** "none" (no network at all) or a network the test may use. */
  network: string;
  /** The run's internal services network, joined when services run. */
  servicesNetwork?: string;
  resources: TestResources;
  timeoutMs: number;
  onOutput: (stream: "stdout" | "stderr", data: Buffer) => void;
}

/**
 * Runs an image's tests in a locked-down container: no network unless configured, no
 * privileges, every capability dropped, no-new-privileges, capped memory/CPU/pids and a
 * timeout. The container is removed on every path.
 */
export class TestContainer {
  constructor(
    private readonly docker: Dockerode,
    private readonly dockerHost: string,
  ) {}

  async run(spec: TestContainerSpec, signal: AbortSignal): Promise<TestResult> {
    let container: Dockerode.Container | undefined;
    try {
      container = await this.docker.createContainer(createOptions(spec));
      if (spec.servicesNetwork && spec.network !== "none") {
        await this.docker.getNetwork(spec.servicesNetwork).connect({ Container: container.id });
      }
      return await runToExit(container, spec, signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw dockerFailure("the test container", error, this.dockerHost);
    } finally {
      if (container) await removeContainer(container).catch(() => undefined);
    }
  }
}

function createOptions(spec: TestContainerSpec): Dockerode.ContainerCreateOptions {
  const networkMode =
    spec.network === "none" && spec.servicesNetwork ? spec.servicesNetwork : spec.network;
  return {
    name: nameOf(spec.owner, "test"),
    Image: spec.imageId,
    ...(spec.command ? { Cmd: spec.command } : {}),
    Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
    Labels: labelsOf(spec.owner, "test"),
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    OpenStdin: false,
    HostConfig: lockedDownHostConfig(spec.resources, networkMode),
  };
}

import type Dockerode from "dockerode";
import { createContainer } from "./create-container.js";
import { dockerFailure } from "./docker-error.js";
import type { EngineCalls } from "./engine-calls.js";
import { labelsOf, nameOf, type RunOwner } from "./labels.js";
import { lockedDownHostConfig, userOf, type TestLockdown, type TestResources } from "./lockdown.js";
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
  /** Runtime, read-only root, tmpfs mounts and user: test.runtime, readOnly, tmpfs, user. */
  lockdown: TestLockdown;
  timeoutMs: number;
  onOutput: (stream: "stdout" | "stderr", data: Buffer) => void;
}

/**
 * Runs an image's tests in a locked-down container: no network unless configured, no
 * privileges, every capability dropped, no-new-privileges, capped memory/CPU/pids, a
 * timeout, and the pipeline's runtime, read-only root and user. The container is removed
 * on every path.
 */
export class TestContainer {
  constructor(
    private readonly docker: Dockerode,
    private readonly calls: EngineCalls,
  ) {}

  async run(spec: TestContainerSpec, signal: AbortSignal): Promise<TestResult> {
    const { calls } = this;
    let container: Dockerode.Container | undefined;
    try {
      // Creating and connecting are not cut short by a cancel (the signal is checked before
      // them): what the engine did must be known to be undone.
      signal.throwIfAborted();
      container = await createContainer(this.docker, calls, "test container", createOptions(spec));
      const { id } = container;
      if (spec.servicesNetwork && spec.network !== "none") {
        const network = this.docker.getNetwork(spec.servicesNetwork);
        await calls.run("connect test container", (abortSignal) => {
          // dockerode reads abortSignal here too; its type definitions omit it.
          const options: Dockerode.NetworkConnectOptions = { Container: id };
          return network.connect(Object.assign(options, { abortSignal }));
        });
      }
      return await runToExit(container, spec, calls, signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw dockerFailure("the test container", error, calls.host);
    } finally {
      if (container) await removeContainer(container, calls).catch(() => undefined);
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
    ...userOf(spec.lockdown),
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    OpenStdin: false,
    HostConfig: lockedDownHostConfig(spec.resources, networkMode, spec.lockdown),
  };
}

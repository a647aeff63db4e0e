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
  /** Told when each part of the container's life starts and ends: create, start, wait, remove. */
  timer?: StepTimer;
  /**
   * Given the removal of a container whose test ended, instead of waiting for it: the caller
   * acts on the verdict meanwhile and waits for the removal itself. A test that failed to run
   * or was aborted has its container removed before `run` settles, as without.
   */
  removeLater?: (removal: Promise<void>) => void;
}

/** Times the parts of a test container's life (a run's StepClock). */
export interface StepTimer {
  start(step: string): void;
  finish(step: string): void;
}

/**
 * Runs an image's tests in a locked-down container: no network unless configured, no
 * privileges, every capability dropped, no-new-privileges, capped memory/CPU/pids, a
 * timeout, and the pipeline's runtime, read-only root and user. The container is removed
 * on every path: before `run` settles, or, with `removeLater`, by the removal it is given.
 */
export class TestContainer {
  constructor(
    private readonly docker: Dockerode,
    private readonly calls: EngineCalls,
  ) {}

  async run(spec: TestContainerSpec, signal: AbortSignal): Promise<TestResult> {
    const { calls } = this;
    const timer = spec.timer ?? { start: () => undefined, finish: () => undefined };
    let container: Dockerode.Container | undefined;
    let result: TestResult | undefined;
    try {
      // Creating and connecting are not cut short by a cancel (the signal is checked before
      // them): what the engine did must be known to be undone.
      signal.throwIfAborted();
      timer.start("test.create");
      container = await createContainer(this.docker, calls, "test container", createOptions(spec));
      timer.finish("test.create");
      const { id } = container;
      if (spec.servicesNetwork && spec.network !== "none") {
        const network = this.docker.getNetwork(spec.servicesNetwork);
        await calls.run("connect test container", (abortSignal) => {
          // dockerode reads abortSignal here too; its type definitions omit it.
          const options: Dockerode.NetworkConnectOptions = { Container: id };
          return network.connect(Object.assign(options, { abortSignal }));
        });
      }
      result = await runToExit(container, { ...spec, timer }, calls, signal);
      return result;
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw dockerFailure("the test container", error, calls.host);
    } finally {
      if (container) {
        timer.start("test.remove");
        // A removal that fails leaves the container to the reaper (it carries the run's labels).
        const removal = removeContainer(container, calls).then(
          () => timer.finish("test.remove"),
          () => undefined,
        );
        if (result && spec.removeLater) spec.removeLater(removal);
        else await removal;
      }
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

import type Dockerode from "dockerode";
import { demuxStream } from "./demux-stream.js";
import { createContainer } from "./create-container.js";
import { dockerFailure } from "./docker-error.js";
import type { EngineCalls } from "./engine-calls.js";
import { labelsOf, nameOf, type RunOwner } from "./labels.js";
import { lockedDownHostConfig, userOf, type TestLockdown, type TestResources } from "./lockdown.js";
import { removeContainer } from "./remove-container.js";

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

export interface TestResult {
  /** The container's exit code (137 when it was killed). */
  exitCode: number;
  timedOut: boolean;
  oomKilled: boolean;
}

/** Longest wait for the last output after the container exits. */
const OUTPUT_GRACE_MS = 2000;

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
    let attached: NodeJS.ReadWriteStream | undefined;
    try {
      // Creating, connecting and starting are not cut short by a cancel (the signal is
      // checked between them): what the engine did must be known to be undone.
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
      const created = container;
      // The call ends when the stream is handed over; the stream lasts as long as the test.
      const stream = await calls.run(
        "attach test container",
        (abortSignal) => created.attach({ stream: true, stdout: true, stderr: true, abortSignal }),
        signal,
      );
      attached = stream;
      const outputDone = demuxStream(stream, spec.onOutput);
      signal.throwIfAborted();
      await calls.run("start test container", (abortSignal) => created.start({ abortSignal }));
      const { exitCode, timedOut } = await waitForExit(created, spec.timeoutMs, calls, signal);
      await Promise.race([outputDone, new Promise((r) => setTimeout(r, OUTPUT_GRACE_MS))]);
      const { State } = await calls.run("inspect test container", (abortSignal) =>
        created.inspect({ abortSignal }),
      );
      return { exitCode, timedOut, oomKilled: State.OOMKilled };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw dockerFailure("the test container", error, calls.host);
    } finally {
      (attached as { destroy?: () => void } | undefined)?.destroy?.();
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

/**
 * Waits for the container to exit; kills it at the timeout or when the run is aborted. The
 * wait itself has no deadline but `test.timeout`: past it, the kill and the wait's answer
 * get one `docker.callTimeout` more before the engine counts as not answering.
 */
async function waitForExit(
  container: Dockerode.Container,
  timeoutMs: number,
  calls: EngineCalls,
  signal: AbortSignal,
): Promise<{ exitCode: number; timedOut: boolean }> {
  let timedOut = false;
  const stopWaiting = new AbortController();
  let giveUp: NodeJS.Timeout | undefined;
  const kill = (): void => {
    giveUp ??= setTimeout(() => stopWaiting.abort(calls.timedOut("wait")), calls.timeoutMs);
    void calls
      .run("kill test container", (abortSignal) => container.kill({ abortSignal }))
      .catch(() => undefined);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, timeoutMs);
  signal.addEventListener("abort", kill, { once: true });
  if (signal.aborted) kill(); // aborted while the container was starting: no event will come
  try {
    const { StatusCode } = (await container.wait({
      abortSignal: stopWaiting.signal,
    })) as { StatusCode: number };
    signal.throwIfAborted();
    return { exitCode: StatusCode, timedOut };
  } catch (error) {
    if (stopWaiting.signal.aborted) throw stopWaiting.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
    clearTimeout(giveUp);
    signal.removeEventListener("abort", kill);
  }
}

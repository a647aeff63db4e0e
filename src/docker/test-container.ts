import type Dockerode from "dockerode";
import { demuxStream } from "./demux-stream.js";
import { dockerFailure } from "./docker-error.js";
import { labelsOf, nameOf, type RunOwner } from "./labels.js";
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
  resources: { memoryBytes: number; cpus: number; pids: number };
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
      const attached = (await container.attach({
        stream: true,
        stdout: true,
        stderr: true,
      })) as NodeJS.ReadableStream;
      const outputDone = demuxStream(attached, spec.onOutput);
      signal.throwIfAborted();
      await container.start();
      const { exitCode, timedOut } = await waitForExit(container, spec.timeoutMs, signal);
      await Promise.race([outputDone, new Promise((r) => setTimeout(r, OUTPUT_GRACE_MS))]);
      const { State } = await container.inspect();
      return { exitCode, timedOut, oomKilled: State.OOMKilled };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw dockerFailure("the test container", error, this.dockerHost);
    } finally {
      if (container) await removeContainer(container).catch(() => undefined);
    }
  }
}

function createOptions(spec: TestContainerSpec): Dockerode.ContainerCreateOptions {
  const { memoryBytes, cpus, pids } = spec.resources;
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
    HostConfig: {
      NetworkMode: networkMode,
      Privileged: false,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      Memory: memoryBytes,
      MemorySwap: memoryBytes,
      NanoCpus: Math.round(cpus * 1e9),
      PidsLimit: pids,
      LogConfig: { Type: "json-file", Config: { "max-size": "10m", "max-file": "1" } },
    },
  };
}

/** Waits for the container to exit; kills it at the timeout or when the run is aborted. */
async function waitForExit(
  container: Dockerode.Container,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ exitCode: number; timedOut: boolean }> {
  let timedOut = false;
  const kill = (): void => void container.kill().catch(() => undefined);
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, timeoutMs);
  signal.addEventListener("abort", kill, { once: true });
  if (signal.aborted) kill(); // aborted while the container was starting: no event will come
  try {
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    signal.throwIfAborted();
    return { exitCode: StatusCode, timedOut };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", kill);
  }
}

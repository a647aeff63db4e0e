import type Dockerode from "dockerode";
import { DockerError, engineMessage } from "./docker-error.js";
import type { EngineCalls } from "./engine-calls.js";
import { engineRuntimes, unknownRuntime } from "./engine-runtimes.js";

/** How engines refuse a runtime they do not know (20.10: "Unknown runtime specified x"). */
const UNKNOWN_RUNTIME = /unknown runtime specified|unknown or invalid runtime name/i;

/**
 * Creates a container of a test (`what`: "test container", "service db") within
 * docker.callTimeout. A run that is cancelled meanwhile does not cut the call short: its
 * container must exist, or not, to be removed. When the engine does not know the runtime
 * asked for, the error says so and names the runtimes it does know (`docker info`).
 */
export async function createContainer(
  docker: Dockerode,
  calls: EngineCalls,
  what: string,
  options: Dockerode.ContainerCreateOptions,
): Promise<Dockerode.Container> {
  try {
    return await calls.run(`create ${what}`, (abortSignal) =>
      docker.createContainer({ ...options, abortSignal }),
    );
  } catch (error) {
    const runtime = options.HostConfig?.Runtime;
    if (runtime === undefined || !UNKNOWN_RUNTIME.test(engineMessage(error))) throw error;
    const known = await engineRuntimes(docker, calls).catch(() => []);
    throw new DockerError(
      "unknown_runtime",
      `test.runtime: ${unknownRuntime(runtime, known, calls.host)}`,
    );
  }
}

import type Dockerode from "dockerode";
import { formatDuration } from "../config/format-duration.js";
import { DockerError, dockerFailure } from "./docker-error.js";

/** Longest wait for the engine's answer before it counts as unreachable. */
const PING_TIMEOUT_MS = 3000;

/**
 * Asks the engine whether it answers (GET /_ping); throws a DockerError saying why not, such
 * as "Docker unreachable at unix:///var/run/docker.sock (ENOENT)". For /readyz.
 */
export async function pingEngine(
  docker: Dockerode,
  dockerHost: string,
  timeoutMs = PING_TIMEOUT_MS,
): Promise<void> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    await pingWithSignal(docker, timeout);
  } catch (error) {
    if (timeout.aborted) {
      throw new DockerError(
        "docker_unreachable",
        `Docker at ${dockerHost} did not answer within ${formatDuration(timeoutMs)}`,
      );
    }
    throw dockerFailure("ping", error, dockerHost);
  }
}

/** dockerode's ping takes { abortSignal } (lib/docker.js); its type definitions omit it. */
function pingWithSignal(docker: Dockerode, signal: AbortSignal): Promise<unknown> {
  const ping = docker.ping.bind(docker) as unknown as (options: {
    abortSignal: AbortSignal;
  }) => Promise<unknown>;
  return ping({ abortSignal: signal });
}

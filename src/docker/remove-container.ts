import type Dockerode from "dockerode";
import type { EngineCalls } from "./engine-calls.js";

/** Status codes that mean "already gone" or "already going": both are success here. */
const GONE = new Set([404, 409]);

/** Force-removes a container with its anonymous volumes; one already gone is fine. */
export async function removeContainer(
  container: Pick<Dockerode.Container, "remove" | "id">,
  calls: EngineCalls,
): Promise<void> {
  try {
    await calls.run(`remove container ${container.id.slice(0, 12)}`, (abortSignal) =>
      container.remove({ force: true, v: true, abortSignal }),
    );
  } catch (error) {
    if (!isGone(error)) throw error;
  }
}

/** Removes a network; one already gone is fine. */
export async function removeNetwork(
  network: Pick<Dockerode.Network, "remove" | "id">,
  calls: EngineCalls,
): Promise<void> {
  try {
    await calls.run(`remove network ${network.id.slice(0, 12)}`, (abortSignal) =>
      network.remove({ abortSignal }),
    );
  } catch (error) {
    if (!isGone(error)) throw error;
  }
}

function isGone(error: unknown): boolean {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === "number" && GONE.has(status);
}

import type Dockerode from "dockerode";

/** Status codes that mean "already gone" or "already going": both are success here. */
const GONE = new Set([404, 409]);

/** Force-removes a container with its anonymous volumes; one already gone is fine. */
export async function removeContainer(
  container: Pick<Dockerode.Container, "remove">,
): Promise<void> {
  try {
    await container.remove({ force: true, v: true });
  } catch (error) {
    const status = (error as { statusCode?: unknown } | null)?.statusCode;
    if (typeof status !== "number" || !GONE.has(status)) throw error;
  }
}

/** Removes a network; one already gone is fine. */
export async function removeNetwork(network: Pick<Dockerode.Network, "remove">): Promise<void> {
  try {
    await network.remove();
  } catch (error) {
    const status = (error as { statusCode?: unknown } | null)?.statusCode;
    if (typeof status !== "number" || !GONE.has(status)) throw error;
  }
}

import type Dockerode from "dockerode";

/** Status codes that mean "already gone" or "already going": both are success here. */
const GONE = new Set([404, 409]);
/** A volume answers 409 while a container still uses it: that one is not gone. */
const VOLUME_GONE = new Set([404]);

/** Force-removes a container with its anonymous volumes; one already gone is fine. */
export function removeContainer(container: Pick<Dockerode.Container, "remove">): Promise<void> {
  return unlessGone(() => container.remove({ force: true, v: true }), GONE);
}

/** Removes a network; one already gone is fine. */
export function removeNetwork(network: Pick<Dockerode.Network, "remove">): Promise<void> {
  return unlessGone(() => network.remove(), GONE);
}

/** Removes a volume once no container uses it; one already gone is fine. */
export function removeVolume(volume: Pick<Dockerode.Volume, "remove">): Promise<void> {
  return unlessGone(() => volume.remove(), VOLUME_GONE);
}

async function unlessGone(
  remove: () => Promise<unknown>,
  gone: ReadonlySet<number>,
): Promise<void> {
  try {
    await remove();
  } catch (error) {
    const status = (error as { statusCode?: unknown } | null)?.statusCode;
    if (typeof status !== "number" || !gone.has(status)) throw error;
  }
}

import type Dockerode from "dockerode";
import type { EngineCalls } from "./engine-calls.js";

/** Status codes that mean "already gone" or "already going": both are success here. */
const GONE = new Set([404, 409]);
/** A volume answers 409 while a container still uses it: that one is not gone. */
const VOLUME_GONE = new Set([404]);

/** Force-removes a container with its anonymous volumes; one already gone is fine. */
export function removeContainer(
  container: Pick<Dockerode.Container, "remove" | "id">,
  calls: EngineCalls,
): Promise<void> {
  return unlessGone(
    calls.run(`remove container ${container.id.slice(0, 12)}`, (abortSignal) =>
      container.remove({ force: true, v: true, abortSignal }),
    ),
    GONE,
  );
}

/** Removes a network; one already gone is fine. */
export function removeNetwork(
  network: Pick<Dockerode.Network, "remove" | "id">,
  calls: EngineCalls,
): Promise<void> {
  return unlessGone(
    calls.run(`remove network ${network.id.slice(0, 12)}`, (abortSignal) =>
      network.remove({ abortSignal }),
    ),
    GONE,
  );
}

/** Removes a volume once no container uses it; one already gone is fine. */
export function removeVolume(
  volume: Pick<Dockerode.Volume, "remove" | "name">,
  calls: EngineCalls,
): Promise<void> {
  return unlessGone(
    calls.run(`remove volume ${volume.name}`, (abortSignal) => volume.remove({ abortSignal })),
    VOLUME_GONE,
  );
}

async function unlessGone(removal: Promise<unknown>, gone: ReadonlySet<number>): Promise<void> {
  try {
    await removal;
  } catch (error) {
    const status = (error as { statusCode?: unknown } | null)?.statusCode;
    if (typeof status !== "number" || !gone.has(status)) throw error;
  }
}

import type { PipelineConfig, RegistryConfig } from "../config/config.js";
import { DockerError } from "../docker/docker-error.js";
import type { ImageClient, PulledImage } from "../docker/image-client.js";
import { parseImageReference, type ImageReference } from "../docker/image-reference.js";
import { resolvePull } from "../docker/resolve-pull.js";
import type { StoredEvent } from "../store/run-store.js";

export interface PulledImages {
  image: PulledImage;
  /** One per `test.services` entry, in order. */
  services: PulledImage[];
}

export interface PullOptions {
  images: Pick<ImageClient, "pull">;
  registries: readonly RegistryConfig[];
  timeoutMs: number;
  signal: AbortSignal;
}

/**
 * Pulls the pushed image (registry/repository:tag, through any mirror and with any
 * credentials `registries[]` gives) and the images of the pipeline's services, at once.
 */
export async function pullRunImages(
  event: StoredEvent,
  pipeline: PipelineConfig,
  options: PullOptions,
): Promise<PulledImages> {
  const pull = (reference: ImageReference) => pullImage(reference, options);
  const [image, ...services] = await Promise.all([
    pull({ registry: event.registry, repository: event.repository, tag: event.tag }),
    ...pipeline.test.services.map((service) =>
      pull(parseImageReference(service.image)).catch((error: unknown) => {
        if (!(error instanceof DockerError)) throw error;
        throw new DockerError(error.code, `service ${service.name}: ${error.message}`);
      }),
    ),
  ]);
  if (!image) throw new DockerError("pull_failed", "no image was pulled");
  return { image, services };
}

/** Pulls one image as the tested one is pulled: mirrors, credentials and docker.pullTimeout. */
export function pullImage(reference: ImageReference, options: PullOptions): Promise<PulledImage> {
  return options.images.pull(resolvePull(reference, options.registries), {
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
}

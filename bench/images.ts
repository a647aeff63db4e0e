import { buildTestImage, removeLocalImage } from "../test/support/build-test-image.js";

export interface BenchImage {
  reference: string;
  repository: string;
  tag: string;
  digest: string;
}

/**
 * `count` distinct tiny images (each with a label of its own, so each has its own manifest
 * and config), pushed to `registry` and then removed from the engine, so that every pull in
 * the benchmark really fetches something.
 */
export async function pushBenchImages(
  registry: string,
  repository: string,
  prefix: string,
  count: number,
): Promise<BenchImage[]> {
  const images: BenchImage[] = [];
  for (let i = 0; i < count; i++) {
    const tag = `${prefix}-${i}`;
    const reference = `${registry}/${repository}:${tag}`;
    const digest = await buildTestImage({
      reference,
      lines: [`LABEL bench.push="${prefix}-${i}"`, 'CMD ["true"]'],
    });
    if (!digest) throw new Error(`no digest for ${reference}`);
    await removeLocalImage(reference);
    images.push({ reference, repository, tag, digest });
  }
  return images;
}

/** Removes the images a benchmark pulled, so the next contestant pulls them afresh. */
export async function forgetImages(images: readonly BenchImage[]): Promise<void> {
  for (const image of images) await removeLocalImage(image.reference);
}

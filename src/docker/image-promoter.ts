import type Dockerode from "dockerode";
import { formatDuration } from "../config/format-duration.js";
import { DockerError, dockerFailure, pushError } from "./docker-error.js";
import type { EngineCalls } from "./engine-calls.js";
import type { ImageClient } from "./image-client.js";
import { readJsonLines, throwProgressError } from "./read-json-lines.js";
import type { PullTarget, RegistryAuth } from "./resolve-pull.js";

/** Where a promotion pushes: a repository as Docker names it, a tag, its registry's credentials. */
export interface PushTarget {
  /** "registry.example.com/team/app"; "acme/web" on Docker Hub. */
  repository: string;
  tag: string;
  auth?: RegistryAuth;
}

const isNotFound = (error: unknown): boolean =>
  (error as { statusCode?: unknown } | null)?.statusCode === 404;

/**
 * Pushes a tested image under another tag: the image is tagged from its digest reference
 * (the digest that was pulled and tested, pulled again by digest if it is no longer in the
 * engine; never the tag, which may have moved), pushed with the target registry's
 * credentials and every progress event checked, then the local tag is removed again unless it
 * was there before. Resolves with the manifest digest the registry answered.
 */
export class ImagePromoter {
  constructor(
    private readonly docker: Dockerode,
    private readonly calls: EngineCalls,
    private readonly images: Pick<ImageClient, "pull">,
  ) {}

  async promote(
    source: PullTarget,
    target: PushTarget,
    options: { timeoutMs: number; signal: AbortSignal },
  ): Promise<{ digest?: string }> {
    const reference = `${target.repository}:${target.tag}`;
    const imageId = await this.localImage(source, options);
    const before = await this.imageIdOf(reference, options.signal);
    try {
      await this.calls.run(
        `tag image ${reference}`,
        (abortSignal) =>
          this.docker
            .getImage(imageId)
            .tag({ repo: target.repository, tag: target.tag, abortSignal }),
        options.signal,
      );
    } catch (error) {
      throw dockerFailure(`tag ${reference}`, error, this.calls.host);
    }
    try {
      return await this.push(target, reference, options);
    } finally {
      if (before !== imageId) await this.untag(reference, before);
    }
  }

  private async push(
    target: PushTarget,
    reference: string,
    options: { timeoutMs: number; signal: AbortSignal },
  ): Promise<{ digest?: string }> {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const abortSignal = AbortSignal.any([options.signal, timeout]);
    let digest: string | undefined;
    try {
      const stream = await this.docker.getImage(target.repository).push({
        tag: target.tag,
        abortSignal,
        ...(target.auth ? { authconfig: target.auth } : {}),
      });
      await readJsonLines(stream, (event) => {
        throwProgressError(event);
        const aux = event.aux as { Digest?: unknown } | undefined;
        if (typeof aux?.Digest === "string") digest = aux.Digest;
      });
    } catch (error) {
      if (options.signal.aborted) throw options.signal.reason;
      if (timeout.aborted) {
        throw new DockerError(
          "registry_unreachable",
          `push of ${reference} took longer than ${formatDuration(options.timeoutMs)} (docker.pullTimeout)`,
        );
      }
      throw pushError(reference, error, this.calls.host);
    }
    return digest ? { digest } : {};
  }

  /** The image ID of the tested digest, pulled by digest if the engine no longer has it. */
  private async localImage(
    source: PullTarget,
    options: { timeoutMs: number; signal: AbortSignal },
  ): Promise<string> {
    const id = await this.imageIdOf(source.reference, options.signal);
    return id ?? (await this.images.pull(source, options)).id;
  }

  private async imageIdOf(reference: string, signal: AbortSignal): Promise<string | undefined> {
    try {
      const info = await this.calls.run(
        `inspect image ${reference}`,
        () => this.docker.getImage(reference).inspect(),
        signal,
      );
      return info.Id;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw dockerFailure(`inspect of ${reference}`, error, this.calls.host);
    }
  }

  /** Takes the promoted tag off again; the image stays under its other names. */
  private async untag(reference: string, before: string | undefined): Promise<void> {
    try {
      await this.calls.run(`remove tag ${reference}`, () =>
        this.docker.getImage(reference).remove({ noprune: true }),
      );
      // A tag that named another image before is put back where it was.
      if (before) {
        await this.calls.run(`tag image ${reference}`, () =>
          this.docker.getImage(before).tag(splitReference(reference)),
        );
      }
    } catch {
      // Clean-up only: the push itself is what counts.
    }
  }
}

function splitReference(reference: string): { repo: string; tag: string } {
  const at = reference.lastIndexOf(":");
  return { repo: reference.slice(0, at), tag: reference.slice(at + 1) };
}

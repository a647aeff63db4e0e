import type Dockerode from "dockerode";
import { formatDuration } from "../config/format-duration.js";
import { DockerError, dockerFailure, pullError } from "./docker-error.js";
import type { EngineCalls } from "./engine-calls.js";
import {
  REVISION_LABELS,
  SOURCE_URL_LABELS,
  TEST_COMMAND_LABEL,
  TEST_COMPOSE_LABEL,
} from "./labels.js";
import { readJsonLines, throwProgressError } from "./read-json-lines.js";
import type { PullTarget } from "./resolve-pull.js";

export interface PulledImage {
  /** The local image ID ("sha256:..."): containers run this, never the mutable tag. */
  id: string;
  /** The registry's manifest digest that was pulled, when the registry told it. */
  digest?: string;
  /** What the image says of itself, read by the same inspect that found its ID. */
  facts?: ImageFacts;
}

/** What a run needs to know about an image before starting it. */
export interface ImageFacts {
  hasCommand: boolean;
  /** The raw `pushgate.test.command` label, when the image carries one. */
  testCommandLabel?: string;
  /** The raw `pushgate.test.compose` label: paths of Compose test files in the image. */
  testComposeLabel?: string;
  /** The image's working directory ("/" when it sets none). */
  workingDir: string;
  /** Its source repository and commit, as its OCI or label-schema labels say. */
  source: { url?: string; revision?: string };
}

const DIGEST_STATUS = /^Digest: (sha256:[a-f0-9]{64})/;

/** Pulls images with credentials, a timeout and an error check on every progress event. */
export class ImageClient {
  constructor(
    private readonly docker: Dockerode,
    private readonly calls: EngineCalls,
  ) {}

  async pull(
    target: PullTarget,
    options: { timeoutMs: number; signal: AbortSignal },
  ): Promise<PulledImage> {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const abortSignal = AbortSignal.any([options.signal, timeout]);
    let digest: string | undefined;
    try {
      const stream: NodeJS.ReadableStream = await this.docker.pull(target.reference, {
        abortSignal,
        ...(target.auth ? { authconfig: target.auth } : {}),
      });
      await readJsonLines(stream, (event) => {
        throwProgressError(event);
        const status = typeof event.status === "string" ? event.status : "";
        digest = DIGEST_STATUS.exec(status)?.[1] ?? digest;
      });
    } catch (error) {
      if (options.signal.aborted) throw options.signal.reason;
      if (timeout.aborted) {
        throw new DockerError(
          "pull_timeout",
          `pull of ${target.reference} took longer than ${formatDuration(options.timeoutMs)} (docker.pullTimeout)`,
        );
      }
      throw pullError(target.reference, error, this.calls.host);
    }
    // By digest when known: another pull of the same tag cannot move it under this run.
    const pulled = digest ? `${target.repository}@${digest}` : target.reference;
    try {
      const info = await this.inspect(pulled, options.signal);
      const repoDigest = info.RepoDigests?.find((d) => d.startsWith(`${target.repository}@`));
      const found = digest ?? repoDigest?.slice(target.repository.length + 1);
      return { id: info.Id, ...(found ? { digest: found } : {}), facts: factsOf(info) };
    } catch (error) {
      throw dockerFailure(`inspect of ${pulled}`, error, this.calls.host);
    }
  }

  async facts(imageId: string, signal?: AbortSignal): Promise<ImageFacts> {
    try {
      return factsOf(await this.inspect(imageId, signal));
    } catch (error) {
      throw dockerFailure(`inspect of ${imageId}`, error, this.calls.host);
    }
  }

  /** GET /images/{name}/json. dockerode cannot abort it: the deadline answers without it. */
  private inspect(name: string, signal?: AbortSignal): Promise<Dockerode.ImageInspectInfo> {
    return this.calls.run(
      `inspect image ${name}`,
      () => this.docker.getImage(name).inspect(),
      signal,
    );
  }
}

/** What a run needs to know of an image, from its inspect. */
function factsOf({ Config }: Dockerode.ImageInspectInfo): ImageFacts {
  const labels = Config.Labels ?? {};
  const first = (names: readonly string[]) =>
    names.map((name) => labels[name]).find((value) => value !== undefined && value !== "");
  const command = labels[TEST_COMMAND_LABEL];
  const compose = labels[TEST_COMPOSE_LABEL];
  const url = first(SOURCE_URL_LABELS);
  const revision = first(REVISION_LABELS);
  return {
    hasCommand: (Config.Cmd?.length ?? 0) > 0 || (Config.Entrypoint?.length ?? 0) > 0,
    ...(command !== undefined ? { testCommandLabel: command } : {}),
    ...(compose !== undefined ? { testComposeLabel: compose } : {}),
    workingDir: Config.WorkingDir || "/",
    source: { ...(url ? { url } : {}), ...(revision ? { revision } : {}) },
  };
}

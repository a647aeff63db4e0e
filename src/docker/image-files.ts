import { posix } from "node:path";
import { pipeline } from "node:stream/promises";
import type Dockerode from "dockerode";
import { extract } from "tar-stream";
import { DockerError, dockerFailure } from "./docker-error.js";
import type { EngineCalls } from "./engine-calls.js";
import { labelsOf, type RunOwner } from "./labels.js";
import { removeContainer } from "./remove-container.js";

/** Symbolic links followed before giving up on a path. */
const MAX_LINKS = 8;

interface Entry {
  type: string;
  linkname?: string;
  body: Buffer;
}

/**
 * Reads files out of an image without running it: a container is created (never started),
 * each file comes through the engine's archive API as a tar stream, and the container is
 * removed. Symbolic links are followed inside the image.
 */
export class ImageFiles {
  constructor(
    private readonly docker: Dockerode,
    private readonly calls: EngineCalls,
  ) {}

  /** The text of an absolute `path` in the image; at most `maxBytes`. */
  async read(imageId: string, path: string, owner: RunOwner, maxBytes: number): Promise<string> {
    let container: Dockerode.Container | undefined;
    try {
      const options: Dockerode.ContainerCreateOptions = {
        Image: imageId,
        // Never started: an entrypoint is only needed for images that have none.
        Entrypoint: ["/pushgate-reads-files-only"],
        Cmd: [],
        Labels: labelsOf(owner, "read"),
        NetworkDisabled: true,
        HostConfig: { NetworkMode: "none", Privileged: false, CapDrop: ["ALL"] },
      };
      container = await this.calls.run("create a container to read files from", (abortSignal) =>
        this.docker.createContainer({ ...options, abortSignal }),
      );
      let current = path;
      for (let links = 0; links <= MAX_LINKS; links++) {
        const reading = container;
        // The archive is small: its request and its body together have docker.callTimeout.
        const entry = await this.calls.run(`read ${current} from the image`, () =>
          this.entry(reading, current, path, maxBytes),
        );
        if (entry.type === "symlink" && entry.linkname) {
          current = posix.resolve(posix.dirname(current), entry.linkname);
          continue;
        }
        if (entry.type !== "file")
          throw new DockerError("test_file", `${path} in the image is not a file`);
        return entry.body.toString("utf8");
      }
      throw new DockerError("test_file", `${path} in the image: too many symbolic links`);
    } catch (error) {
      throw dockerFailure(`reading ${path} from the image`, error, this.calls.host);
    } finally {
      if (container) await removeContainer(container, this.calls).catch(() => undefined);
    }
  }

  private async entry(
    container: Dockerode.Container,
    current: string,
    path: string,
    maxBytes: number,
  ): Promise<Entry> {
    let archive: NodeJS.ReadableStream;
    try {
      archive = await container.getArchive({ path: current });
    } catch (error) {
      if ((error as { statusCode?: unknown }).statusCode === 404) {
        throw new DockerError("test_file", `${path} is not in the image`);
      }
      throw error;
    }
    const tar = extract();
    let found: Entry | undefined;
    const reading = (async () => {
      for await (const item of tar) {
        const { type, size = 0, linkname } = item.header;
        if (!found && type === "file" && size > maxBytes) {
          throw new DockerError(
            "test_file",
            `${path} in the image is larger than ${maxBytes / 1024} KiB`,
          );
        }
        const chunks: Buffer[] = [];
        for await (const chunk of item as AsyncIterable<Buffer>) if (!found) chunks.push(chunk);
        found ??= {
          type: type ?? "file",
          ...(linkname ? { linkname } : {}),
          body: Buffer.concat(chunks),
        };
      }
    })();
    try {
      await Promise.all([pipeline(archive, tar), reading]);
    } catch (error) {
      tar.destroy();
      throw error;
    }
    if (!found) throw new DockerError("test_file", `${path} is not in the image`);
    return found;
  }
}

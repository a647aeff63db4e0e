import type Dockerode from "dockerode";
import { demuxStream } from "./demux-stream.js";
import { DockerError } from "./docker-error.js";
import type { EngineCalls } from "./engine-calls.js";
import { isListening } from "./is-listening.js";

const PROBE_MS = 2000;
/** Exit codes of an exec whose program is missing or cannot run. */
const NOT_RUNNABLE = new Set([126, 127]);

/**
 * Whether something listens on `port` inside a service container, read from its own
 * /proc/net/tcp and tcp6. The run network gives pushgate no address to connect from, so
 * the container answers for itself; that needs `cat` in its image (a `wait: {log}` does not).
 */
export async function probePort(
  container: Dockerode.Container,
  port: number,
  calls: EngineCalls,
  signal: AbortSignal,
): Promise<boolean> {
  let exec: Dockerode.Exec;
  let stream: NodeJS.ReadableStream & { destroy(): void };
  try {
    exec = await calls.run(
      "exec in service",
      (abortSignal) =>
        container.exec({
          Cmd: ["cat", "/proc/net/tcp", "/proc/net/tcp6"],
          AttachStdout: true,
          AttachStderr: true,
          abortSignal,
        }),
      signal,
    );
    const created = exec;
    stream = (await calls.run(
      "start exec in service",
      (abortSignal) => created.start({ hijack: true, stdin: false, abortSignal }),
      signal,
    )) as typeof stream;
  } catch (error) {
    if (error instanceof DockerError || signal.aborted) throw error;
    return false; // not running (yet): the caller checks the container's state
  }
  let text = "";
  const finished = demuxStream(stream, (name, data) => {
    if (name === "stdout") text += data.toString();
  });
  const timer = setTimeout(() => stream.destroy(), PROBE_MS);
  await finished;
  clearTimeout(timer);
  if (isListening(text, port)) return true;
  const { ExitCode } = await calls.run(
    "inspect exec in service",
    (abortSignal) => exec.inspect({ abortSignal }),
    signal,
  );
  // An exec into a container that is exiting fails the same way as a missing program: only
  // a container still running can say its image has no cat.
  if (ExitCode !== null && NOT_RUNNABLE.has(ExitCode) && (await isRunning(container, calls))) {
    throw new Error(`cannot be checked on tcp ${port}: its image has no cat; use wait: { log }`);
  }
  return false;
}

async function isRunning(container: Dockerode.Container, calls: EngineCalls): Promise<boolean> {
  try {
    const info = await calls.run("inspect service", (abortSignal) =>
      container.inspect({ abortSignal }),
    );
    return info.State.Running;
  } catch {
    return false;
  }
}

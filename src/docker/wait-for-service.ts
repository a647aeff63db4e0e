import type Dockerode from "dockerode";
import type { ServiceConfig } from "../config/config.js";
import { formatDuration } from "../config/format-duration.js";
import { demuxStream } from "./demux-stream.js";
import { DockerError } from "./docker-error.js";
import type { EngineCalls } from "./engine-calls.js";
import { probePort } from "./probe-port.js";

const POLL_MS = 250;

/**
 * Resolves when a started service is ready as its `wait` says (a TCP port accepting
 * connections, or a log line matching a pattern), or at once with no `wait`. Rejects with
 * a one-line reason when it exits first or is not ready within its timeout.
 */
export async function waitForService(
  container: Dockerode.Container,
  service: ServiceConfig,
  calls: EngineCalls,
  signal: AbortSignal,
): Promise<void> {
  const timeout = AbortSignal.timeout(service.timeoutMs);
  const deadline = AbortSignal.any([signal, timeout]);
  const { wait } = service;
  const stopped = () => exitCodeIfStopped(container, service.name, calls, deadline);
  try {
    if (!wait) await stopped();
    else if ("log" in wait) await waitForLog(container, new RegExp(wait.log), stopped, deadline);
    else {
      while (!(await probePort(container, wait.tcp, calls, deadline))) {
        await stopped();
        deadline.throwIfAborted();
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    }
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (error instanceof DockerError) throw error; // the engine, not the service
    if (timeout.aborted) {
      const what = !wait ? "start" : "log" in wait ? `log /${wait.log}/` : `tcp ${wait.tcp}`;
      throw new Error(`was not ready within ${formatDuration(service.timeoutMs)} (wait: ${what})`);
    }
    throw error;
  }
}

/** Throws when the container has stopped: it will never be ready. */
async function exitCodeIfStopped(
  container: Dockerode.Container,
  name: string,
  calls: EngineCalls,
  signal: AbortSignal,
): Promise<void> {
  const { State } = await calls.run(
    `inspect service ${name}`,
    (abortSignal) => container.inspect({ abortSignal }),
    signal,
  );
  if (!State.Running) throw new Error(`exited with code ${State.ExitCode} before it was ready`);
}

async function waitForLog(
  container: Dockerode.Container,
  pattern: RegExp,
  stopped: () => Promise<void>,
  deadline: AbortSignal,
): Promise<void> {
  // The following stream lasts until a line matches, bounded by the service's own timeout.
  const stream = (await container.logs({
    follow: true,
    stdout: true,
    stderr: true,
    abortSignal: deadline,
  })) as NodeJS.ReadableStream & { destroy(): void };
  const partial = { stdout: "", stderr: "" };
  let matched = false;
  const stop = () => stream.destroy();
  deadline.addEventListener("abort", stop, { once: true });
  if (deadline.aborted) stop();
  await demuxStream(stream, (name, data) => {
    const lines = (partial[name] + data.toString()).split("\n");
    partial[name] = lines.pop() ?? "";
    if ([...lines, partial[name]].some((line) => pattern.test(line))) {
      matched = true;
      stop();
    }
  });
  deadline.removeEventListener("abort", stop);
  if (matched) return;
  deadline.throwIfAborted();
  await stopped();
  throw new Error(`stopped writing logs before a line matched /${pattern.source}/`);
}

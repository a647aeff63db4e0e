import type Dockerode from "dockerode";
import type { ServiceConfig } from "../config/config.js";
import { formatDuration } from "../config/format-duration.js";
import { demuxStream } from "./demux-stream.js";
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
  network: string,
  signal: AbortSignal,
): Promise<void> {
  const timeout = AbortSignal.timeout(service.timeoutMs);
  const deadline = AbortSignal.any([signal, timeout]);
  const { wait } = service;
  try {
    if (!wait) await exitCodeIfStopped(container);
    else if ("log" in wait) await waitForLog(container, new RegExp(wait.log), deadline);
    else {
      while (!(await probePort(container, await addressOf(container, network), wait.tcp))) {
        deadline.throwIfAborted();
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    }
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (timeout.aborted) {
      const what = !wait ? "start" : "log" in wait ? `log /${wait.log}/` : `tcp ${wait.tcp}`;
      throw new Error(`was not ready within ${formatDuration(service.timeoutMs)} (wait: ${what})`);
    }
    throw error;
  }
}

/** The container's address on the run network; throws when it has stopped. */
async function addressOf(container: Dockerode.Container, network: string): Promise<string> {
  const info = await exitCodeIfStopped(container);
  return info.NetworkSettings.Networks[network]?.IPAddress ?? "";
}

async function exitCodeIfStopped(
  container: Dockerode.Container,
): Promise<Dockerode.ContainerInspectInfo> {
  const info = await container.inspect();
  if (!info.State.Running) {
    throw new Error(`exited with code ${info.State.ExitCode} before it was ready`);
  }
  return info;
}

async function waitForLog(
  container: Dockerode.Container,
  pattern: RegExp,
  deadline: AbortSignal,
): Promise<void> {
  const stream = (await container.logs({
    follow: true,
    stdout: true,
    stderr: true,
  })) as NodeJS.ReadableStream & { destroy(): void };
  const partial = { stdout: "", stderr: "" };
  let matched = false;
  const stop = () => stream.destroy();
  deadline.addEventListener("abort", stop, { once: true });
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
  await exitCodeIfStopped(container);
  throw new Error(`stopped writing logs before a line matched /${pattern.source}/`);
}

import type Dockerode from "dockerode";
import { demuxStream } from "./demux-stream.js";

export interface TestResult {
  /** The container's exit code (137 when it was killed). */
  exitCode: number;
  timedOut: boolean;
  oomKilled: boolean;
}

/** Longest wait for the last output after the container exits. */
const OUTPUT_GRACE_MS = 2000;

/**
 * Attaches to a created container, starts it and waits for it to exit, killing it at
 * `timeoutMs` or when `signal` aborts (then the abort's reason is thrown). Its output goes to
 * `onOutput` as it comes.
 */
export async function runToExit(
  container: Dockerode.Container,
  options: {
    timeoutMs: number;
    onOutput: (stream: "stdout" | "stderr", data: Buffer) => void;
  },
  signal: AbortSignal,
): Promise<TestResult> {
  const attached = (await container.attach({
    stream: true,
    stdout: true,
    stderr: true,
  })) as NodeJS.ReadableStream;
  const outputDone = demuxStream(attached, options.onOutput);
  signal.throwIfAborted();
  await container.start();
  const { exitCode, timedOut } = await waitForExit(container, options.timeoutMs, signal);
  await Promise.race([outputDone, new Promise((r) => setTimeout(r, OUTPUT_GRACE_MS))]);
  const { State } = await container.inspect();
  return { exitCode, timedOut, oomKilled: State.OOMKilled };
}

/** Waits for the container to exit; kills it at the timeout or when the run is aborted. */
async function waitForExit(
  container: Dockerode.Container,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ exitCode: number; timedOut: boolean }> {
  let timedOut = false;
  const kill = (): void => void container.kill().catch(() => undefined);
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, timeoutMs);
  signal.addEventListener("abort", kill, { once: true });
  if (signal.aborted) kill(); // aborted while the container was starting: no event will come
  try {
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    signal.throwIfAborted();
    return { exitCode: StatusCode, timedOut };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", kill);
  }
}

import type Dockerode from "dockerode";
import { demuxStream } from "./demux-stream.js";
import type { EngineCalls } from "./engine-calls.js";

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
 * `onOutput` as it comes. Each engine call has docker.callTimeout; the start is not cut short
 * by an abort (the signal is checked before it), so the caller knows what there is to remove.
 */
export async function runToExit(
  container: Dockerode.Container,
  options: {
    timeoutMs: number;
    onOutput: (stream: "stdout" | "stderr", data: Buffer) => void;
    /** Told when the start (attach, start) and the wait (to the exit and its state) begin and end. */
    timer?: { start(step: string): void; finish(step: string): void };
  },
  calls: EngineCalls,
  signal: AbortSignal,
): Promise<TestResult> {
  const { timer } = options;
  timer?.start("test.start");
  // The call ends when the stream is handed over; the stream lasts as long as the test.
  const attached = await calls.run(
    "attach test container",
    (abortSignal) => container.attach({ stream: true, stdout: true, stderr: true, abortSignal }),
    signal,
  );
  try {
    const outputDone = demuxStream(attached, options.onOutput);
    signal.throwIfAborted();
    await calls.run("start test container", (abortSignal) => container.start({ abortSignal }));
    timer?.finish("test.start");
    timer?.start("test.wait");
    const { exitCode, timedOut } = await waitForExit(container, options.timeoutMs, calls, signal);
    // The last output and the exit's state (OOM or not) are awaited together.
    const [{ State }] = await Promise.all([
      calls.run("inspect test container", (abortSignal) => container.inspect({ abortSignal })),
      Promise.race([outputDone, new Promise((r) => setTimeout(r, OUTPUT_GRACE_MS).unref())]),
    ]);
    timer?.finish("test.wait");
    return { exitCode, timedOut, oomKilled: State.OOMKilled };
  } finally {
    (attached as { destroy?: () => void }).destroy?.();
  }
}

/**
 * Waits for the container to exit; kills it at the timeout or when the run is aborted. The
 * wait itself has no deadline but `test.timeout`: past it, the kill and the wait's answer
 * get one `docker.callTimeout` more before the engine counts as not answering.
 */
async function waitForExit(
  container: Dockerode.Container,
  timeoutMs: number,
  calls: EngineCalls,
  signal: AbortSignal,
): Promise<{ exitCode: number; timedOut: boolean }> {
  let timedOut = false;
  const stopWaiting = new AbortController();
  let giveUp: NodeJS.Timeout | undefined;
  const kill = (): void => {
    giveUp ??= setTimeout(() => stopWaiting.abort(calls.timedOut("wait")), calls.timeoutMs);
    void calls
      .run("kill test container", (abortSignal) => container.kill({ abortSignal }))
      .catch(() => undefined);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, timeoutMs);
  signal.addEventListener("abort", kill, { once: true });
  if (signal.aborted) kill(); // aborted while the container was starting: no event will come
  try {
    const { StatusCode } = (await container.wait({
      abortSignal: stopWaiting.signal,
    })) as { StatusCode: number };
    signal.throwIfAborted();
    return { exitCode: StatusCode, timedOut };
  } catch (error) {
    if (stopWaiting.signal.aborted) throw stopWaiting.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
    clearTimeout(giveUp);
    signal.removeEventListener("abort", kill);
  }
}

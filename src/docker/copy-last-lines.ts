import type Dockerode from "dockerode";
import type { EngineCalls } from "./engine-calls.js";

/** Lines of a failed service's log kept in the run's output. */
export const LOG_LINES_ON_FAILURE = 50;

/**
 * Copies the last lines of a container's log to `onOutput` under `stream` ("service db"), to
 * explain a failure. Best effort: the failure is reported either way.
 */
export async function copyLastLines(
  container: Pick<Dockerode.Container, "logs">,
  stream: string,
  calls: EngineCalls,
  onOutput: (stream: string, data: Buffer) => void,
  lines = LOG_LINES_ON_FAILURE,
): Promise<void> {
  try {
    const logs = await calls.run(`logs of ${stream}`, (abortSignal) =>
      container.logs({ stdout: true, stderr: true, tail: lines, abortSignal }),
    );
    // Without a TTY the answer is multiplexed: 8-byte frame headers before each piece.
    let rest = Buffer.isBuffer(logs) ? logs : Buffer.from(String(logs));
    while (rest.length >= 8) {
      const size = rest.readUInt32BE(4);
      onOutput(stream, rest.subarray(8, 8 + size));
      rest = rest.subarray(8 + size);
    }
  } catch {
    // the logs only help explain the failure
  }
}

import { formatDuration } from "../config/format-duration.js";
import { DockerError } from "./docker-error.js";

/**
 * Gives each call to the Docker engine a deadline, `docker.callTimeout`: an engine that
 * accepts the connection and never answers (hung, or a proxy in front of a dead one) cannot
 * hold a run, its slot, readiness or shutdown. Pulls (`docker.pullTimeout`) and waits for a
 * container (`test.timeout`) have their own limits and do not come through here.
 */
export class EngineCalls {
  constructor(
    /** docker.host as configured: how messages name the engine. */
    readonly host: string,
    readonly timeoutMs: number,
  ) {}

  /**
   * Runs `call` with a signal that aborts at the deadline or when `signal` does, and answers
   * as soon as either happens even when the client library does not stop the request itself.
   * Once the call has answered, its signal never aborts: a stream it answered (attach, logs)
   * lives on. Past the deadline it throws a DockerError naming the call ("create test
   * container") and the engine; an abort throws the signal's reason; any other failure comes
   * through as is.
   */
  async run<T>(
    what: string,
    call: (signal: AbortSignal) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    signal?.throwIfAborted();
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const onAbort = (): void => controller.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    const aborted = new Promise<never>((_, reject) => {
      // Whatever the reason, the catch below turns it into the run's or the deadline's.
      controller.signal.addEventListener("abort", () => reject(new Error("aborted")), {
        once: true,
      });
    });
    try {
      return await Promise.race([call(controller.signal), aborted]);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timedOut) throw this.timedOut(what);
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** The error of a call that got no answer in time. */
  timedOut(what: string): DockerError {
    return new DockerError(
      "docker_timeout",
      `Docker at ${this.host} did not answer ${what} within ${formatDuration(this.timeoutMs)} (docker.callTimeout)`,
    );
  }
}

import type Dockerode from "dockerode";
import type { DependencyCondition } from "../testing/compose-test.js";
import { oneLine } from "./docker-error.js";
import type { EngineCalls } from "./engine-calls.js";

const POLL_MS = 100;

/**
 * Resolves once a started service meets what its dependants wait for, as Compose does:
 * running (service_started), healthy by its healthcheck (service_healthy), or exited 0
 * (service_completed_successfully). Rejects with a one-line reason when it never will, and
 * with `until`'s reason when that aborts first.
 */
export async function waitForDependency(
  container: Pick<Dockerode.Container, "inspect">,
  condition: DependencyCondition,
  calls: EngineCalls,
  until: AbortSignal,
): Promise<void> {
  if (condition === "service_started") return;
  for (;;) {
    until.throwIfAborted();
    const { State, Config } = await calls.run(
      "inspect service",
      (abortSignal) => container.inspect({ abortSignal }),
      until,
    );
    if (condition === "service_completed_successfully") {
      if (State.Status === "exited" || State.Status === "dead") {
        if (State.ExitCode === 0) return;
        throw new Error(`did not complete successfully: exit code ${State.ExitCode}`);
      }
    } else {
      const test = Config.Healthcheck?.Test ?? [];
      if (test.length === 0 || test[0] === "NONE") {
        throw new Error("has no healthcheck (condition: service_healthy needs one)");
      }
      const health = State.Health;
      if (health?.Status === "healthy") return;
      if (health?.Status === "unhealthy") {
        const last = health.Log?.at(-1);
        const said = last
          ? `: exit code ${last.ExitCode}, ${oneLine(last.Output) || "no output"}`
          : "";
        throw new Error(`is unhealthy${said}`);
      }
      if (!State.Running)
        throw new Error(`exited with code ${State.ExitCode} before it was healthy`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

import type Dockerode from "dockerode";
import { formatDuration } from "../config/format-duration.js";
import type { ComposeDependency, DependencyCondition } from "../testing/compose-test.js";
import type { ComposePlan } from "../testing/plan-compose-test.js";
import { DockerError, engineMessage } from "./docker-error.js";
import type { EngineCalls } from "./engine-calls.js";
import { waitForDependency } from "./wait-for-dependency.js";

const WAITED: Record<DependencyCondition, string> = {
  service_started: "started",
  service_healthy: "healthy",
  service_completed_successfully: "completed",
};

export interface DependencyScope {
  plan: ComposePlan;
  /** The created (not yet started) container of each planned service. */
  containers: ReadonlyMap<string, Dockerode.Container>;
  calls: EngineCalls;
  timeoutMs: number;
  /** Aborts every wait: the run's signal, a failure elsewhere, or the deadline. */
  until: AbortSignal;
  /** test.timeout: a wait it ends is reported as such. */
  deadline: AbortSignal;
}

/**
 * A function that makes a dependency ready as Compose does: its own dependencies first, then
 * its container started, then its condition met. Each service starts once and each
 * condition is waited for once, however many services need it. A dependency that never
 * will be ready rejects with a one-line reason naming the file and the service.
 */
export function dependencyStarter(
  scope: DependencyScope,
): (dependency: ComposeDependency) => Promise<void> {
  const { plan, containers, calls, until, deadline } = scope;
  const byName = new Map(plan.services.map((s) => [s.name, s]));
  const starts = new Map<string, Promise<void>>();
  const conditions = new Map<string, Promise<void>>();
  const start = (name: string): Promise<void> => {
    const known = starts.get(name);
    if (known) return known;
    const starting = (async () => {
      await Promise.all((byName.get(name)?.dependsOn ?? []).map(ready));
      until.throwIfAborted();
      const container = containers.get(name);
      if (container) {
        await calls.run(`start service ${name}`, (abortSignal) => container.start({ abortSignal }));
      }
    })();
    starts.set(name, starting);
    return starting;
  };
  const ready = ({ service, condition }: ComposeDependency): Promise<void> => {
    const key = `${service} ${condition}`;
    const known = conditions.get(key);
    if (known) return known;
    const container = containers.get(service);
    const waiting = start(service)
      .then(() => (container ? waitForDependency(container, condition, calls, until) : undefined))
      .catch((error: unknown) => {
        if (deadline.aborted) {
          throw new DockerError(
            "service_failed",
            `${plan.file}: service ${service} was not ${WAITED[condition]} within ${formatDuration(scope.timeoutMs)} (test.timeout)`,
          );
        }
        if (error instanceof DockerError || until.aborted) throw error;
        throw new DockerError(
          "service_failed",
          `${plan.file}: service ${service} ${engineMessage(error)}`,
        );
      });
    conditions.set(key, waiting);
    return waiting;
  };
  return ready;
}

import type Dockerode from "dockerode";
import type { Config, PipelineConfig } from "../config/config.js";
import { createDocker } from "./create-docker.js";
import { EngineCalls } from "./engine-calls.js";

/** Longest wait for the engine's answer in check-config. */
const CHECK_TIMEOUT_MS = 10_000;

/** The runtimes the engine knows (`docker info`'s Runtimes: runc, runsc...), sorted. */
export async function engineRuntimes(docker: Dockerode, calls: EngineCalls): Promise<string[]> {
  // dockerode's info takes { abortSignal } (lib/docker.js); its type definitions omit it.
  const info = docker.info.bind(docker) as unknown as (options: {
    abortSignal: AbortSignal;
  }) => Promise<{ Runtimes?: Record<string, unknown> }>;
  const { Runtimes } = await calls.run("info", (abortSignal) => info({ abortSignal }));
  return Object.keys(Runtimes ?? {}).sort();
}

/** The runtimes of the engine `docker` configures, for check-config. */
export function runtimesOf(docker: Config["docker"]): Promise<string[]> {
  const timeoutMs = Math.min(docker.callTimeoutMs, CHECK_TIMEOUT_MS);
  return engineRuntimes(
    createDocker(docker.host, docker.tls),
    new EngineCalls(docker.host, timeoutMs),
  );
}

/** Why a runtime cannot be used: "the engine at X does not know runtime kata; it knows runc, runsc". */
export function unknownRuntime(runtime: string, known: readonly string[], host: string): string {
  const knows = known.length > 0 ? known.join(", ") : "none it names";
  return `the engine at ${host} does not know runtime ${runtime} (it knows ${knows}); register it in the engine's daemon.json "runtimes"`;
}

/** Each pipeline whose test.runtime the engine does not know, with the runtimes it does. */
export function runtimeProblems(
  pipelines: readonly Pick<PipelineConfig, "test">[],
  known: readonly string[],
  host: string,
): string[] {
  return pipelines.flatMap((pipeline, i) => {
    const { runtime } = pipeline.test;
    if (runtime === undefined || known.includes(runtime)) return [];
    return [`pipelines[${i}].test.runtime: ${unknownRuntime(runtime, known, host)}`];
  });
}

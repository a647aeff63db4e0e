import type Dockerode from "dockerode";

/** What every test container may use: the pipeline's `test.resources`. */
export interface TestResources {
  memoryBytes: number;
  cpus: number;
  pids: number;
}

/**
 * The HostConfig every container of a test gets, whether it runs the test's one command or
 * a service of a Compose test file: not privileged, every capability dropped,
 * no-new-privileges, capped memory (no swap), CPU and pids, and a bounded log.
 */
export function lockedDownHostConfig(
  resources: TestResources,
  networkMode: string,
): Dockerode.HostConfig {
  const { memoryBytes, cpus, pids } = resources;
  return {
    NetworkMode: networkMode,
    Privileged: false,
    CapDrop: ["ALL"],
    SecurityOpt: ["no-new-privileges"],
    Memory: memoryBytes,
    MemorySwap: memoryBytes,
    NanoCpus: Math.round(cpus * 1e9),
    PidsLimit: pids,
    LogConfig: { Type: "json-file", Config: { "max-size": "10m", "max-file": "1" } },
  };
}

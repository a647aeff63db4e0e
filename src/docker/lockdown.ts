import type Dockerode from "dockerode";
import type { TestConfig } from "../config/config.js";
import { DOCKER_DEFAULT_CAPS } from "../config/lockdown-schema.js";

/** What every test container may use: the pipeline's `test.resources`. */
export interface TestResources {
  memoryBytes: number;
  cpus: number;
  pids: number;
}

/** The pipeline's settings every container of a test gets: runtime, read-only root, user. */
export type TestLockdown = Pick<TestConfig, "runtime" | "readOnly" | "tmpfs" | "user">;

/** Docker's defaults less NET_RAW, as the CIS Docker Benchmark advises: where services start. */
const SERVICE_CAPS = DOCKER_DEFAULT_CAPS.filter((cap) => cap !== "NET_RAW");

const LOG_CONFIG = { Type: "json-file", Config: { "max-size": "10m", "max-file": "1" } };

/**
 * The HostConfig every container of a test gets, whether it runs the test's one command or
 * a service of a Compose test file: not privileged, every capability dropped,
 * no-new-privileges, capped memory (no swap), CPU and pids, a bounded log, and the
 * pipeline's lockdown (runtime, read-only root with its tmpfs mounts).
 */
export function lockedDownHostConfig(
  resources: TestResources,
  networkMode: string,
  lockdown: TestLockdown,
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
    LogConfig: LOG_CONFIG,
    ...lockdownOf(lockdown),
  };
}

/**
 * The HostConfig of a service a test needs (a database): Docker's default capabilities less
 * NET_RAW, then the service's own capDrop and capAdd (which the config limits to capabilities
 * that keep the host isolated), no-new-privileges, capped memory and pids, and the same
 * runtime and read-only root as the test.
 */
export function serviceHostConfig(
  limits: { memoryBytes: number; pids: number },
  networkMode: string,
  caps: { capAdd: readonly string[]; capDrop: readonly string[] },
  lockdown: TestLockdown,
): Dockerode.HostConfig {
  const dropAll = caps.capDrop.includes("ALL");
  const kept = dropAll ? [] : SERVICE_CAPS.filter((cap) => !caps.capDrop.includes(cap));
  const added = [...new Set([...kept, ...caps.capAdd])];
  return {
    NetworkMode: networkMode,
    Privileged: false,
    // Every capability dropped, then the chosen ones added: what the service gets is exactly
    // this list, whatever the engine's own defaults are.
    CapDrop: ["ALL"],
    CapAdd: added,
    SecurityOpt: ["no-new-privileges"],
    Memory: limits.memoryBytes,
    PidsLimit: limits.pids,
    LogConfig: LOG_CONFIG,
    ...lockdownOf(lockdown),
  };
}

/**
 * Runtime, read-only root and tmpfs mounts: capped in size, writable by any user of the
 * container (sticky, as /tmp is), no setuid files and no devices on them.
 */
function lockdownOf(lockdown: TestLockdown): Dockerode.HostConfig {
  const tmpfs = Object.fromEntries(
    lockdown.tmpfs.map(({ path, sizeBytes }) => [
      path,
      `rw,nosuid,nodev,size=${sizeBytes},mode=1777`,
    ]),
  );
  return {
    ...(lockdown.runtime ? { Runtime: lockdown.runtime } : {}),
    ...(lockdown.readOnly ? { ReadonlyRootfs: true } : {}),
    ...(lockdown.tmpfs.length > 0 ? { Tmpfs: tmpfs } : {}),
  };
}

/** The container-level part: the user every container of the test runs as, when set. */
export function userOf(lockdown: TestLockdown): { User?: string } {
  return lockdown.user ? { User: lockdown.user } : {};
}

/**
 * Compose keys a test file may not use, and why: each would reach past the test's own
 * containers, network and volumes, or weaken their lockdown.
 */
export const REFUSED_SERVICE_KEYS: Readonly<Record<string, string>> = {
  privileged: "host privileges",
  cap_add: "adds kernel capabilities; a test container has none",
  devices: "host devices",
  device_cgroup_rules: "host devices",
  gpus: "host devices",
  network_mode: "leaves the test's own network",
  pid: "shares the host's or another container's processes",
  uts: "shares the host's host name",
  userns_mode: "shares the host's user namespace",
  volumes_from: "mounts another container's volumes",
  ports: "publishes on the host; services reach each other by name, use expose",
  sysctls: "changes kernel parameters",
  env_file: "reads a file on pushgate's side",
  extends: "reads another service or file; write the service out in full",
  external_links: "reaches containers outside the test",
  secrets: "reads files or variables on pushgate's side",
  configs: "reads files or variables on pushgate's side",
  cgroup_parent: "places the container in a host cgroup",
  runtime: "the container runtime is pushgate's to choose",
  isolation: "the container runtime is pushgate's to choose",
  mem_limit: "resources are set by the pipeline's test.resources",
  memswap_limit: "resources are set by the pipeline's test.resources",
  mem_reservation: "resources are set by the pipeline's test.resources",
  cpus: "resources are set by the pipeline's test.resources",
  cpu_shares: "resources are set by the pipeline's test.resources",
  cpuset: "resources are set by the pipeline's test.resources",
  pids_limit: "resources are set by the pipeline's test.resources",
  ulimits: "resources are set by the pipeline's test.resources",
  oom_kill_disable: "resources are set by the pipeline's test.resources",
  oom_score_adj: "resources are set by the pipeline's test.resources",
  shm_size: "resources are set by the pipeline's test.resources",
  logging: "pushgate reads the containers' logs",
  deploy: "Swarm deployment",
  develop: "watches files on pushgate's side",
};

export const REFUSED_TOP_KEYS: Readonly<Record<string, string>> = {
  include: "includes files outside the test file",
  secrets: "reads files or variables on pushgate's side",
  configs: "reads files or variables on pushgate's side",
};

/** Volume-level keys refused under the top-level `volumes`. */
export const REFUSED_VOLUME_KEYS: Readonly<Record<string, string>> = {
  external: "external volume: a test only has volumes of its own",
  name: "names a volume outside the test",
  driver: "volume drivers can mount host paths",
  driver_opts: "volume drivers can mount host paths",
};

export function notAllowed(reason: string): string {
  return `not allowed in a test (${reason})`;
}

export const UNKNOWN_KEY = "unknown key: not supported in a test file";

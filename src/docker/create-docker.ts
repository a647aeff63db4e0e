import Dockerode from "dockerode";

/**
 * A Dockerode client for `docker.host` as configured (unix://, npipe://, tcp://, http://,
 * https://), independent of the process's DOCKER_* variables once the config is read.
 */
export function createDocker(host: string): Dockerode {
  const url = new URL(host);
  switch (url.protocol) {
    case "unix:":
      return new Dockerode({ socketPath: url.pathname || "/var/run/docker.sock" });
    case "npipe:":
      return new Dockerode({ socketPath: host.slice("npipe://".length) });
    case "https:":
      return new Dockerode({ host: url.hostname, port: url.port || 2376, protocol: "https" });
    default:
      return new Dockerode({ host: url.hostname, port: url.port || 2375, protocol: "http" });
  }
}

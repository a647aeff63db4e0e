import { readFileSync } from "node:fs";
import type Dockerode from "dockerode";
import type { DockerTlsFiles } from "../config/config.js";
import { loadDockerode } from "./load-dockerode.js";

/**
 * A Dockerode client for `docker.host` as configured (unix://, npipe://, tcp://, http://,
 * https://), independent of the process's DOCKER_* variables once the config is read. With
 * TLS files, tcp:// speaks HTTPS: the engine's certificate is checked against `ca` and, for
 * an engine started with --tlsverify, pushgate shows the client certificate `cert`/`key`.
 */
export function createDocker(host: string, tls?: DockerTlsFiles): Dockerode {
  const Dockerode = loadDockerode();
  const url = new URL(host);
  switch (url.protocol) {
    case "unix:":
      return new Dockerode({ socketPath: url.pathname || "/var/run/docker.sock" });
    case "npipe:":
      return new Dockerode({ socketPath: host.slice("npipe://".length) });
    case "https:":
      return new Dockerode({ host: url.hostname, port: url.port || 2376, ...https(tls) });
    default:
      if (tls) return new Dockerode({ host: url.hostname, port: url.port || 2376, ...https(tls) });
      return new Dockerode({ host: url.hostname, port: url.port || 2375, protocol: "http" });
  }
}

function https(tls: DockerTlsFiles | undefined): Dockerode.DockerOptions {
  const read = (file: string | undefined) => (file ? readFileSync(file) : undefined);
  const [ca, cert, key] = [read(tls?.ca), read(tls?.cert), read(tls?.key)];
  return {
    protocol: "https",
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
  };
}

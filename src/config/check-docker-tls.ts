import { accessSync, constants } from "node:fs";
import type { Config } from "./config.js";

/**
 * Problems with the TLS files of the engine connection: each must be readable, and only a
 * tcp:// or https:// engine uses them. `fromEnv` says they came from DOCKER_TLS_VERIFY and
 * DOCKER_CERT_PATH, which a Unix socket ignores as the docker CLI does.
 */
export function checkDockerTls(
  docker: Config["docker"],
  fromEnv: boolean,
  canRead: (path: string) => boolean = isReadable,
): string[] {
  const { tls, host } = docker;
  if (!tls) return [];
  const remote = /^(tcp|https):\/\//.test(host);
  if (!remote) {
    return fromEnv ? [] : [`docker.tls: used only with a tcp:// docker.host, not ${host}`];
  }
  const problems: string[] = [];
  for (const key of ["ca", "cert", "key"] as const) {
    const file = tls[key];
    if (file === undefined || canRead(file)) continue;
    const where = fromEnv ? "DOCKER_CERT_PATH" : `docker.tls.${key}`;
    problems.push(`${where}: cannot read ${file}`);
  }
  return problems;
}

function isReadable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

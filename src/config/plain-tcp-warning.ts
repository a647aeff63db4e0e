import { isIP } from "node:net";
import type { Config } from "./config.js";

/**
 * A warning for an engine reached over plain tcp:// (or http://) at an address other than
 * this machine's loopback: whoever can reach or watch that port is root on the engine's
 * host. Allowed (a socket proxy on a private network), but said at start-up and by
 * check-config. Undefined when there is nothing to warn about.
 */
export function plainTcpWarning(docker: Config["docker"]): string | undefined {
  const { host, tls } = docker;
  if (tls || !/^(tcp|http):\/\//.test(host)) return undefined;
  let hostname: string;
  try {
    hostname = new URL(host.replace(/^tcp:/, "http:")).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return undefined;
  }
  if (isLoopback(hostname)) return undefined;
  return `docker.host: ${host} is plain TCP to another machine: anyone who can reach or watch it controls that engine (root on its host); use TLS (docker.tls, or DOCKER_TLS_VERIFY + DOCKER_CERT_PATH)`;
}

function isLoopback(hostname: string): boolean {
  if (hostname === "localhost" || hostname.endsWith(".localhost")) return true;
  if (isIP(hostname) === 4) return hostname.startsWith("127.");
  return hostname === "::1";
}

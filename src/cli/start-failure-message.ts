import type { Config } from "../config/config.js";

/**
 * Why pushgate could not start, in words that say what to change: the errors of listening
 * on the configured address get the setting to change; any other keeps its own message.
 */
export function startFailureMessage(error: unknown, config: Pick<Config, "listen">): string {
  const { host, port } = config.listen;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case "EADDRINUSE":
      return `port ${port} is in use: set PORT or listen.port`;
    case "EACCES":
      return `not allowed to listen on port ${port} (ports below 1024 need privileges): set PORT or listen.port`;
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
      return `cannot listen on ${host}: no such address on this machine: set listen.host`;
    default:
      return `failed to start: ${error instanceof Error ? error.message : String(error)}`;
  }
}

import type { Config } from "../config/config.js";

/**
 * Why pushgate could not start, in words that say what to change: the errors of listening
 * on the configured address get the setting to change, SQLite's errors opening the store name
 * its file; any other keeps its own message.
 */
export function startFailureMessage(
  error: unknown,
  config: Pick<Config, "listen"> & { store?: Pick<Config["store"], "path"> },
): string {
  const { host, port } = config.listen;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const path = config.store?.path;
  if (path !== undefined && typeof code === "string" && code.startsWith("SQLITE_")) {
    const reason = error instanceof Error ? error.message : String(error);
    return `cannot open the store ${path}: ${reason} (${code}): set store.path to another file`;
  }
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

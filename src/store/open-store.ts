import { hostname } from "node:os";
import type { Config } from "../config/config.js";
import type { RunStore } from "./run-store.js";
import { SqliteThreadStore } from "./sqlite/sqlite-thread-store.js";

export interface OpenStoreOptions {
  /** SQLite: hold the file's lock, as a server does (default true). */
  exclusive?: boolean;
  /** Told of a database connection lost while idle (PostgreSQL reconnects on its own). */
  onIdleError?: (error: Error) => void;
}

/**
 * Opens the store the config names: PostgreSQL at `store.url` (migrated under an advisory
 * lock, shared by replicas), else the SQLite file at `store.path`, in a thread of its own.
 */
export async function openStore(
  config: Pick<Config, "store">,
  options: OpenStoreOptions = {},
): Promise<RunStore> {
  const { url, path, instance } = config.store;
  if (url !== undefined) {
    // PostgreSQL's client is loaded only when a database is configured.
    const { PostgresRunStore } = await import("./postgres/postgres-run-store.js");
    return PostgresRunStore.open({
      url,
      instance: instance ?? hostname(),
      ...(options.onIdleError ? { onIdleError: options.onIdleError } : {}),
    });
  }
  return SqliteThreadStore.open(path ?? "./data/pushgate.db", {
    exclusive: options.exclusive ?? true,
  });
}

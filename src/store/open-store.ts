import type { Config } from "../config/config.js";
import type { RunStore } from "./run-store.js";
import { SqliteRunStore } from "./sqlite/sqlite-run-store.js";

/** Opens the store the config names: the SQLite file at `store.path`. */
export function openStore(config: Pick<Config, "store">): Promise<RunStore> {
  return Promise.resolve(new SqliteRunStore(config.store.path));
}

import { join } from "node:path";
import { afterEach } from "vitest";
import { SqliteRunStore } from "../../src/store/sqlite/sqlite-run-store.js";
import { tempDir } from "./test-config.js";

/**
 * A store opener for one test file: each store it opens (on a fresh file unless a path is
 * given, so a second call on the same path is a restart) is closed after each test.
 */
export function storeOpener(): (path?: string) => SqliteRunStore {
  const opened: SqliteRunStore[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });
  return (path = join(tempDir(), "runs.db")) => {
    const store = new SqliteRunStore(path);
    opened.push(store);
    return store;
  };
}

/** Reads a store file as an operator would, through a second connection, then closes it. */
export async function readStore<T>(
  path: string,
  read: (store: SqliteRunStore) => Promise<T>,
): Promise<T> {
  const store = new SqliteRunStore(path);
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

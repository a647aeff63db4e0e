import { join } from "node:path";
import { SqliteRunStore } from "../../src/store/sqlite/sqlite-run-store.js";
import { SqliteThreadStore } from "../../src/store/sqlite/sqlite-thread-store.js";
import { tempDir } from "../support/test-config.js";
import { runStoreContract } from "./run-store-contract.js";

const paths = new WeakMap<object, string>();

runStoreContract("the SQLite store", {
  open: () => {
    const path = join(tempDir(), "runs.db");
    const store = new SqliteRunStore(path);
    paths.set(store, path);
    return Promise.resolve(store);
  },
  reopen: (store) => {
    const path = paths.get(store) ?? "";
    const again = new SqliteRunStore(path);
    paths.set(again, path);
    return Promise.resolve(again);
  },
});

// As the server opens it (openStore): the same store, in a thread of its own.
runStoreContract("the SQLite store in its thread", {
  open: async () => {
    const path = join(tempDir(), "runs.db");
    const store = await SqliteThreadStore.open(path, { exclusive: true });
    paths.set(store, path);
    return store;
  },
  reopen: async (store) => {
    const path = paths.get(store) ?? "";
    const again = await SqliteThreadStore.open(path, { exclusive: true });
    paths.set(again, path);
    return again;
  },
});

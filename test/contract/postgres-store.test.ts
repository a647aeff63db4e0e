import { PostgresRunStore } from "../../src/store/postgres/postgres-run-store.js";
import type { RunStore } from "../../src/store/run-store.js";
import { freshSchema } from "../support/postgres.js";
import { runStoreContract } from "./run-store-contract.js";

/** Where each store lives: a schema of its own in the test cluster. */
const schemas = new WeakMap<RunStore, { url: string; drop: () => Promise<void> }>();
const INSTANCE = "contract-replica";

runStoreContract("the PostgreSQL store", {
  open: async () => {
    const schema = await freshSchema();
    const store = await PostgresRunStore.open({ url: schema.url, instance: INSTANCE });
    schemas.set(store, schema);
    return store;
  },
  reopen: async (store) => {
    const schema = schemas.get(store);
    if (!schema) throw new Error("not a store of this suite");
    const again = await PostgresRunStore.open({ url: schema.url, instance: INSTANCE });
    schemas.set(again, schema);
    return again;
  },
  dispose: async (store) => {
    await schemas.get(store)?.drop();
  },
});

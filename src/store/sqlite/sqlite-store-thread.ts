/**
 * The SQLite store's thread (a worker started by SqliteThreadStore): it owns the file's
 * connection and runs each call it is sent on a SqliteRunStore, answering once it is done —
 * for a write, once it is committed and synced. Calls run one after the other, in the order
 * they were sent; deliveries sent together (one AcceptCall, or calls arriving while a commit
 * is under way) share one commit (GroupCommit). Its first answer
 * (id 0) names the store's methods, which the other side forwards.
 */
import { parentPort, workerData } from "node:worker_threads";
import { StoreUnavailableError } from "../store-unavailable-error.js";
import { SqliteRunStore } from "./sqlite-run-store.js";
import {
  describeError,
  type AcceptCall,
  type AcceptResult,
  type StoreAnswer,
  type StoreCall,
  type StoreThreadData,
} from "./store-thread-messages.js";

const port = parentPort;
if (!port) throw new Error("sqlite-store-thread runs as a worker thread");
const { path } = workerData as StoreThreadData;
const answer = (message: StoreAnswer): void => port.postMessage(message);
const described = (error: unknown) => describeError(error, error instanceof StoreUnavailableError);
const failed = (id: number, error: unknown): void => answer({ id, error: described(error) });

let store: SqliteRunStore | undefined;
try {
  // The file's lock is held by the thread that started this one (SqliteThreadStore).
  store = new SqliteRunStore(path);
  const methods = Object.getOwnPropertyNames(SqliteRunStore.prototype).filter(
    (name) => name !== "constructor" && name !== "close",
  );
  answer({ id: 0, value: methods });
} catch (error) {
  failed(0, error);
}

port.on("message", (message: StoreCall | AcceptCall) => {
  if ("accepts" in message) acceptAll(message);
  else callMethod(message);
});

/** Deliveries sent together: given to the store's accept at once, so they share a commit. */
function acceptAll({ id, accepts }: AcceptCall): void {
  if (!store) {
    failed(id, new Error("the store did not open"));
    return;
  }
  const open = store;
  void Promise.all(
    accepts.map((args) =>
      open.accept(...args).then(
        (outcomes): AcceptResult => ({ outcomes }),
        (error: unknown): AcceptResult => ({ error: described(error) }),
      ),
    ),
  ).then((value) => answer({ id, value }));
}

function callMethod({ id, method, args }: StoreCall): void {
  const target = store as unknown as Record<string, unknown> | undefined;
  const call = target?.[method];
  if (!target || typeof call !== "function") {
    failed(id, new Error(`the store has no method ${String(method)}`));
    return;
  }
  let result: Promise<unknown>;
  try {
    result = Promise.resolve(call.apply(target, args) as unknown);
  } catch (error) {
    failed(id, error);
    return;
  }
  result.then(
    (value) => answer({ id, value }),
    (error: unknown) => failed(id, error),
  );
}

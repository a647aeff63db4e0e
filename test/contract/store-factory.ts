import { afterEach } from "vitest";
import { dedupeKeyOf, type PushEvent } from "../../src/sources/push-event.js";
import type { AcceptItem, AcceptOutcome, RunStore } from "../../src/store/run-store.js";

/** How the contract suite gets stores of one engine. */
export interface StoreFactory {
  /** A store on fresh, empty storage (its own file, its own database). */
  open(): Promise<RunStore>;
  /** A new store on the storage of `store`, once `store` is closed: a restart. */
  reopen(store: RunStore): Promise<RunStore>;
  /** Removes what open() made, after a test. */
  dispose?(store: RunStore): Promise<void>;
}

/**
 * Opens stores through a factory for one test file and closes (and disposes of) each after
 * its test. `reopen` closes the store it is given first.
 */
export function contractStores(factory: StoreFactory): {
  open: () => Promise<RunStore>;
  reopen: (store: RunStore) => Promise<RunStore>;
} {
  const opened: RunStore[] = [];
  const first = new Map<RunStore, RunStore>();
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    for (const store of new Set(first.values())) await factory.dispose?.(store);
    first.clear();
  });
  return {
    open: async () => {
      const store = await factory.open();
      opened.push(store);
      first.set(store, store);
      return store;
    },
    reopen: async (store) => {
      await store.close();
      const again = await factory.reopen(store);
      opened.push(again);
      first.set(again, first.get(store) ?? store);
      return again;
    },
  };
}

let pushes = 0;

/** A push of `repository:tag` from a distribution registry, a new push time each call. */
export const push = (
  repository = "acme/web",
  tag = "v1",
  change: Partial<PushEvent> = {},
): PushEvent => ({
  source: "registry",
  registry: "127.0.0.1:5000",
  repository,
  tag,
  pushedAt: new Date(1_700_000_000_000 + pushes++),
  ...change,
});

export const itemOf = (event: PushEvent, pipelines = ["web"]): AcceptItem => ({
  event,
  dedupeKey: dedupeKeyOf(event),
  pipelines,
});

/** An item whose event cannot be written: its push time is not a time (the key is fine). */
export function unwritableItem(tag: string): AcceptItem {
  const item = itemOf(push("acme/web", tag));
  return { ...item, event: { ...item.event, pushedAt: new Date(Number.NaN) } };
}

/** Records one push with a run per pipeline; its run ids. */
export async function queue(store: RunStore, event: PushEvent, pipelines = ["web"]) {
  const [outcome] = await store.accept([itemOf(event, pipelines)], new Date());
  return outcome?.kind === "recorded" ? outcome.runIds : [];
}

/** Delivers each event on its own, in order, as separate webhooks would; the outcomes' kinds. */
export async function deliver(
  store: RunStore,
  ...events: PushEvent[]
): Promise<AcceptOutcome["kind"][]> {
  const kinds: AcceptOutcome["kind"][] = [];
  for (const event of events) {
    for (const outcome of await store.accept([itemOf(event)], new Date())) kinds.push(outcome.kind);
  }
  return kinds;
}

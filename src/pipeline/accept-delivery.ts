import NodeCache from "node-cache";
import { dedupeKeyOf, headKeyOf, type PushEvent } from "../sources/push-event.js";
import type { AcceptOutcome, RunStore } from "../store/run-store.js";
import { isArtifactTag } from "./artifact-tag.js";
import { imageNameOf } from "./image-name.js";
import type { PipelineMatcher } from "./match-pipelines.js";
import type { RegistryResolver } from "./resolve-registry.js";

/**
 * Most heads kept in memory (about 200 bytes each): the pushes of a busy hour, without a
 * flood of distinct pushes growing the heap for as long as limits.dedupeTtl.
 */
export const CACHED_HEADS = 10_000;

/** What became of a delivery: the answer the sender gets is chosen from this at the edge. */
export type DeliveryOutcome =
  | { kind: "queued"; runIds: string[]; duplicates: number }
  | { kind: "duplicate" }
  | { kind: "promoted"; ignored: string[] }
  | { kind: "no-match"; ignored: string[] }
  | { kind: "no-events"; ignored: string[] }
  | { kind: "backlog-full"; backlog: number };

/** A run a delivery queued. */
export interface QueuedRun {
  id: string;
  pipeline: string;
}

export interface AcceptDeliveryOptions {
  store: RunStore;
  matchPipelines: PipelineMatcher;
  dedupeTtlMs: number;
  /** Most queued runs (limits.backlog): a delivery that would pass it is not recorded. */
  backlog?: number;
  /** Maps the registry host a sender reported to the configured one (registries[].aliases). */
  resolveRegistry?: RegistryResolver;
  clock?: () => Date;
  /** Told of every run queued, with its pipeline, after it is durable. */
  onQueued?: (runs: readonly QueuedRun[]) => void;
}

export interface DeliveryIntake {
  /** Resolves once the delivery's runs are durable (or it needed none). */
  accept(events: readonly PushEvent[], ignored?: readonly string[]): Promise<DeliveryOutcome>;
  /** Stops the cache's expiry timer. */
  close(): void;
}

/**
 * Dedupes, matches and durably records a delivery's events: one run per matching pipeline,
 * written in one transaction (which the store may share with deliveries arriving at the same
 * moment: group commit) before the caller answers. Events are first put under the
 * configured registry name, so one push announced as "registry:5000" and as "127.0.0.1:5000"
 * is one push. An event announcing a tag a run promoted (the store decides, in the same
 * transaction: RunStore.accept) records nothing, so a promotion never tests its digest again;
 * without a digest, a delivery of a promoted tag within `dedupeTtlMs` of its promotion counts
 * as the promotion. An event is a duplicate when it announces what its head (headKeyOf: the tag
 * with a digest, the push itself without) already is: a re-sent notification, the same tag
 * and digest announced twice, but not a tag moved back to an earlier digest. Duplicates are
 * caught by a TTL cache of the latest heads first (CACHED_HEADS), and by the store's heads
 * for those not cached (after a restart, or long ago). A delivery that would take the queue
 * past the backlog is refused whole, and nothing of it is recorded or remembered.
 */
export function createDeliveryIntake(options: AcceptDeliveryOptions): DeliveryIntake {
  const { store, matchPipelines, onQueued } = options;
  const clock = options.clock ?? (() => new Date());
  const resolveRegistry = options.resolveRegistry ?? ((host: string) => host);
  /** Head key → dedupe key of the delivery recorded last under it. */
  const seen = new NodeCache({
    stdTTL: Math.max(1, Math.round(options.dedupeTtlMs / 1000)),
    checkperiod: 120,
    useClones: false,
  });

  /**
   * Keeps a head in the cache. A full cache lets its oldest tenth go first: the store knows
   * every head for good, so a duplicate of a push no longer cached is still answered as one,
   * one store call later.
   */
  const remember = (headKey: string, dedupeKey: string): void => {
    if (seen.getStats().keys >= CACHED_HEADS && !seen.has(headKey)) {
      seen.del(seen.keys().slice(0, CACHED_HEADS / 10));
    }
    seen.set(headKey, dedupeKey);
  };

  /**
   * Head keys of deliveries waiting for their group commit, with how many. The cache is behind
   * on these (it says A while B is on its way: A next is a rollback, not a duplicate), so for
   * them the store decides, in order.
   */
  const committing = new Map<string, number>();
  const hold = (headKeys: readonly string[], by: 1 | -1) => {
    for (const headKey of headKeys) {
      const count = (committing.get(headKey) ?? 0) + by;
      if (count === 0) committing.delete(headKey);
      else committing.set(headKey, count);
    }
  };

  /** What the store said of the items it recorded no run for because they announce a promotion. */
  const promotedReasons = (outcomes: readonly AcceptOutcome[]): string[] => [
    ...new Set(
      outcomes.flatMap((o) => (o.kind === "promoted" ? [`promoted by run ${o.runId}`] : [])),
    ),
  ];

  const accept = async (
    events: readonly PushEvent[],
    ignored: readonly string[] = [],
  ): Promise<DeliveryOutcome> => {
    const artifacts = events.filter((event) => isArtifactTag(event.tag));
    if (artifacts.length > 0) {
      ignored = [
        ...ignored,
        ...artifacts.map(
          (event) =>
            `${imageNameOf(event)}:${event.tag} is a signature, attestation or SBOM, not an image`,
        ),
      ];
      events = events.filter((event) => !isArtifactTag(event.tag));
    }
    if (events.length === 0) return { kind: "no-events", ignored: [...ignored] };

    const fresh: { event: PushEvent; dedupeKey: string; headKey: string }[] = [];
    /** Where the delivery's earlier events moved each head. */
    const heads = new Map<string, string>();
    for (const reported of events) {
      const event = { ...reported, registry: resolveRegistry(reported.registry) };
      const dedupeKey = dedupeKeyOf(event);
      const headKey = headKeyOf(event);
      const head =
        heads.get(headKey) ?? (committing.has(headKey) ? undefined : seen.get<string>(headKey));
      if (head === dedupeKey) continue;
      heads.set(headKey, dedupeKey);
      fresh.push({ event, dedupeKey, headKey });
    }
    if (fresh.length === 0) return { kind: "duplicate" };

    const promotedSince = new Date(clock().getTime() - options.dedupeTtlMs);
    const items = fresh
      .map(({ event, dedupeKey, headKey }) => ({
        event,
        dedupeKey,
        headKey,
        pipelines: matchPipelines(event).map((p) => p.name),
        promotedSince,
      }))
      .filter((item) => item.pipelines.length > 0);
    if (items.length === 0) {
      return {
        kind: "no-match",
        ignored: [
          ...ignored,
          ...fresh.map(({ event }) => `no pipeline matches ${imageNameOf(event)}:${event.tag}`),
        ],
      };
    }

    const { backlog } = options;
    // Held before the first await: deliveries arriving meanwhile see these heads as on their
    // way, and leave it to the store to decide in order.
    const headKeys = items.map((item) => item.headKey);
    hold(headKeys, 1);
    let outcomes: AcceptOutcome[];
    try {
      // The backlog is checked by the store, in the transaction that would write the runs.
      outcomes = await store.accept(items, clock(), backlog === undefined ? {} : { backlog });
    } finally {
      hold(headKeys, -1);
    }
    if (backlog !== undefined && outcomes.some((o) => o.kind === "backlog-full")) {
      return { kind: "backlog-full", backlog };
    }
    // In order, as the store moved them: the last item of a head is what it points at now.
    // A promotion moved no head: a delivery of it sent again is looked up again.
    items.forEach((item, i) => {
      if (outcomes[i]?.kind !== "promoted") remember(item.headKey, item.dedupeKey);
    });
    // A recorded item's runs are its pipelines', in order.
    const queued = items.flatMap((item, i) => {
      const outcome = outcomes[i];
      if (outcome?.kind !== "recorded") return [];
      return outcome.runIds.map((id, j) => ({ id, pipeline: item.pipelines[j] ?? "" }));
    });
    const runIds = queued.map((run) => run.id);
    const promoted = promotedReasons(outcomes);
    if (runIds.length === 0) {
      return promoted.length > 0 ? { kind: "promoted", ignored: promoted } : { kind: "duplicate" };
    }
    const duplicates =
      events.length - fresh.length + outcomes.filter((o) => o.kind === "duplicate").length;
    onQueued?.(queued);
    return { kind: "queued", runIds, duplicates };
  };

  return { accept, close: () => seen.close() };
}

import type { PushEvent } from "../sources/push-event.js";
import type { RunState } from "../pipeline/run-states.js";
import type { Verdict } from "../pipeline/outcome.js";

/** A push event as recorded, with the id and time of its delivery. */
export interface StoredEvent extends PushEvent {
  id: string;
  receivedAt: Date;
}

export interface StepTiming {
  startedAt: string;
  finishedAt?: string;
  ms?: number;
}

export interface RunRecord {
  id: string;
  pipeline: string;
  state: RunState;
  /** Why the run ended as it did, in one line (e.g. "timeout", "manifest unknown"). */
  reason?: string;
  /** How many times execution started (crash recovery reruns count). */
  attempt: number;
  event: StoredEvent;
  /** The digest actually pulled and tested. */
  imageDigest?: string;
  /** Where the tested image was built from, as its labels say (OCI or label-schema). */
  source?: RunSource;
  exitCode?: number;
  /** What the test said, stored before actions start (state acting) and kept after. */
  verdict?: Verdict;
  createdAt: Date;
  updatedAt: Date;
  finishedAt?: Date;
  /** Timings per step: pull, services, test, actions. */
  steps: Record<string, StepTiming>;
  /** The run this one retries (POST /api/runs/:id/retry). */
  retryOf?: string;
  /** Who holds the run while it is pulled, tested or acting (a claim's lease). */
  holder?: RunHolder;
}

/** The process holding a run, the engine its containers are on, and until when. */
export interface RunHolder {
  owner: string;
  engine: string;
  until: Date;
}

/**
 * A claim: the process that holds runs (its instance id and a token of this start,
 * "web-1/9f3c..."), the Docker engine their containers go on, and how long a lease lasts
 * without renewal.
 */
export interface Lease {
  owner: string;
  engine: string;
  ms: number;
}

/**
 * Which finished runs may go (store.retention): finished before `before` and not among
 * the newest `keepPerPipeline` finished runs of their pipeline (each limit when set).
 */
export interface RetentionPolicy {
  before?: Date;
  keepPerPipeline?: number;
}

/** Runs (with their output and actions) and events deleted, or that would be. */
export interface Pruned {
  runs: number;
  events: number;
}

/** What may be asked of a run held by another process: stop it, cancelled or superseded. */
export type StopRequest = "cancel" | { supersededBy: string };

/** A run a process still holds after renewing its leases, and what was asked of it. */
export interface HeldRun {
  id: string;
  stop?: StopRequest;
}

/**
 * Where the tested image was built from: its labels' repository URL and commit, else the
 * pipeline's `source` (a repository path such as "acme/web" and a templated revision). Any
 * of them may be unknown.
 */
export interface RunSource {
  url?: string;
  revision?: string;
  /** "owner/name" as the pipeline's source.repository says, for images without a source label. */
  repository?: string;
}

/** One event of a delivery to record, with the pipelines it matched. */
export interface AcceptItem {
  event: PushEvent;
  dedupeKey: string;
  pipelines: string[];
  /**
   * A promotion of the item's tag made at or after this time counts for it when the item has
   * no digest (Docker Hub), or when that promotion's push is still under way: the
   * delivery is the registry announcing the promotion (limits.dedupeTtl before now). Without
   * it, only an exact digest counts.
   */
  promotedSince?: Date;
}

/**
 * recorded: the event and its runs are written. duplicate: its tag's head already is this
 * push. promoted: it announces what a run promoted (the run's id), so nothing is written.
 */
export type AcceptOutcome =
  | { kind: "recorded"; eventId: string; runIds: string[] }
  | { kind: "duplicate"; eventId: string }
  | { kind: "promoted"; runId: string }
  /** Nothing of the delivery was written: its runs would take the queue past `backlog`. */
  | { kind: "backlog-full"; backlog: number };

/** What one delivery asks of RunStore.accept besides its items. */
export interface AcceptOptions {
  /**
   * Most queued runs (limits.backlog). When the runs already queued plus one per pipeline of
   * each item would pass it, nothing of the delivery is written and every item is answered
   * backlog-full. Checked in the transaction that would write the delivery.
   */
  backlog?: number;
}

/**
 * A tag pushgate pushed for a run that passed: the tested digest under `tag` in
 * registry/repository. Written before the push, so the registry's notification of it, which
 * may arrive before the push returns, is recognised; `pushedDigest` once the registry took it.
 */
export interface Promotion {
  runId: string;
  /** The configured name of the registry (registries[].host), as deliveries are matched. */
  registry: string;
  repository: string;
  tag: string;
  /** The digest that was tested. */
  digest: string;
  /** The manifest digest the registry answered the push with; unset while the push is under way. */
  pushedDigest?: string;
  /** When it was last written: the push began, or was confirmed. */
  promotedAt: Date;
}

export interface RunFilter {
  repository?: string;
  state?: RunState;
  /** Runs in any of these states (with `state`, in both: that one). */
  states?: readonly RunState[];
  pipeline?: string;
  /** Retries of this run (POST /api/runs/:id/retry made them). */
  retryOf?: string;
  /** Only runs older than this run id (the cursor of the previous page). */
  before?: string;
  limit: number;
}

/** Fields a state change may set along with the state; null clears a field. */
export interface RunUpdate {
  reason?: string | null;
  imageDigest?: string | null;
  source?: RunSource | null;
  exitCode?: number | null;
  attempt?: number;
  verdict?: Verdict | null;
  steps?: Record<string, StepTiming>;
  /** null: forgets the run's stored output (a new attempt starts with none). */
  output?: null;
}

/** A piece of a run's output, from one stream ("stdout", "stderr", "service db"). */
export interface OutputChunk {
  stream: string;
  text: string;
}

/** A run's output as stored: the first and last bytes, and how many were dropped between. */
export interface RunOutput {
  head: OutputChunk[];
  tail: OutputChunk[];
  totalBytes: number;
  droppedBytes: number;
}

/**
 * Where an outcome action stands. pending: planned, not confirmed sent. sent: the receiver
 * took it, a follow-up is outstanding (a Jenkins build to wait for). done, failed: final.
 * refused: never sent on purpose (a callback to a host that is not allowed). skipped: there
 * was nothing to send it about (a commit status for an image that names no commit).
 */
export type ActionState = "pending" | "sent" | "done" | "failed" | "refused" | "skipped";

export const UNFINISHED_ACTION_STATES: readonly ActionState[] = ["pending", "sent"];

/** One outbound call made for an action. */
export interface ActionAttempt {
  at: string;
  ms: number;
  /** The HTTP status answered, when there was an answer. */
  status?: number;
  /** What went wrong: "timeout after 10s", "connection refused", "HTTP 503 ...". */
  error?: string;
}

/** An action planned for a run: "success.0" is the first of the pipeline's on.success. */
export interface PlannedAction {
  id: string;
  kind: string;
  /** What it calls, safe to show: a job name, a URL's origin. */
  target: string;
}

export interface ActionRecord extends PlannedAction {
  runId: string;
  /** Order of execution within the run. */
  position: number;
  state: ActionState;
  /** Calls made so far; `attempts` keeps the latest of them. */
  attemptCount: number;
  attempts: ActionAttempt[];
  error?: string;
  /** What came back: a Jenkins queue item, build number, URL and result; an HTTP status. */
  result: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export interface ActionUpdate {
  state?: ActionState;
  error?: string | null;
  /** Merged into the stored result. */
  result?: Record<string, unknown>;
}

/**
 * A signed-in dashboard session. The session id is only in the person's cookie: the store
 * keeps its SHA-256, so reading the store gives no session away.
 */
export interface SessionRecord {
  /** SHA-256 of the session id, in hex. */
  idHash: string;
  /** The token every state-changing form of this session carries. */
  csrfToken: string;
  createdAt: Date;
  /** When the session was last used (updated now and then, not on every request). */
  lastSeenAt: Date;
}

/**
 * Durable record of events and runs: the one contract every engine (SQLite, PostgreSQL)
 * keeps, checked by the suite in test/contract/. Every method is atomic and resolves once
 * what it wrote is durable; it rejects with StoreUnavailableError when the store cannot be
 * read or written.
 */
export interface RunStore {
  /**
   * Records a delivery's events and their runs in one transaction, in order. An item is a
   * duplicate when the item recorded last under its head key (headKeyOf) had its dedupe key.
   * An item is promoted, and not written, when it announces a promotion (same registry,
   * repository and tag) made after the last event recorded under its head key, with the
   * promotion's tested or pushed digest, or with no digest or during the push when the
   * promotion is at or after the item's promotedSince. Deliveries accepted at the same moment
   * may share one commit (group commit); each is checked against its `backlog` with the runs
   * of the deliveries written before it in that commit counted.
   */
  accept(
    items: readonly AcceptItem[],
    now: Date,
    options?: AcceptOptions,
  ): Promise<AcceptOutcome[]>;
  getRun(id: string): Promise<RunRecord | undefined>;
  /** Newest first. */
  listRuns(filter: RunFilter): Promise<RunRecord[]>;
  /**
   * Moves a run from one of `from` to `to`; false when it was in none of them (or, with
   * `attempt`, when it is in another attempt: it was taken over). A run leaving pulling,
   * testing and acting is held by nobody any more.
   */
  transition(
    id: string,
    from: readonly RunState[],
    to: RunState,
    update?: RunUpdate,
    attempt?: number,
  ): Promise<boolean>;
  /**
   * Claims up to `limit` of a pipeline's oldest queued runs (FOR UPDATE SKIP LOCKED where the
   * engine has it) without letting the pipeline's runs being pulled or tested, by any
   * process, pass `pipelineLimit`: each moves to pulling as its next attempt, with nothing
   * of an earlier attempt (reason, exit code, verdict, digest, output), held under `lease`.
   */
  claimRuns(
    pipeline: string,
    limit: number,
    pipelineLimit: number | undefined,
    lease: Lease,
    now: Date,
  ): Promise<RunRecord[]>;
  /**
   * Runs being pulled or tested whose holder is gone: its lease ran out, or (with `gone`)
   * its owner starts with `gone` (this instance's previous process). Oldest first, with
   * their holder; moving them is the caller's (guarded by their attempt).
   */
  abandonedRuns(now: Date, gone?: string): Promise<RunRecord[]>;
  /** Acting runs whose holder is gone (as abandonedRuns), now held under `lease`. */
  claimActing(lease: Lease, now: Date, gone?: string): Promise<RunRecord[]>;
  /**
   * Extends the leases of `runIds` held by `lease.owner`; the runs still held, with any stop
   * asked of them. A run missing from the answer was lost (taken over, or moved on).
   */
  renewLeases(lease: Lease, runIds: readonly string[], now: Date): Promise<HeldRun[]>;
  /** Asks the holder of a run being pulled or tested to stop it; false when it is not. */
  requestStop(runId: string, stop: StopRequest): Promise<boolean>;
  /**
   * Deletes at most `batch` of the finished runs the policy lets go, oldest first, with their
   * output, actions and promotions, and the events no run and no head refers to any more (the heads that
   * dedupe needs stay, and their events). One short transaction: intake is not held up.
   */
  prune(policy: RetentionPolicy, batch: number): Promise<Pruned>;
  /** What prune would delete now, in all. */
  prunable(policy: RetentionPolicy): Promise<Pruned>;
  /** Runs in the given states, oldest first. */
  runsInStates(states: readonly RunState[]): Promise<RunRecord[]>;
  /** The oldest `limit` queued runs of a pipeline: an index range, whatever the queue's size. */
  nextQueued(pipeline: string, limit: number): Promise<RunRecord[]>;
  /** The pipelines that have queued runs. */
  queuedPipelines(): Promise<string[]>;
  /** How many runs are in a state now (an index count). */
  countRuns(state: RunState): Promise<number>;
  /** Runs of the same pipeline and image (registry/repository:tag) older than `runId`, in `states`. */
  olderRunsOfImage(runId: string, states: readonly RunState[]): Promise<RunRecord[]>;
  /** Queues a new run of the same event and pipeline, linked to it; its id, or undefined. */
  retry(runId: string, now: Date): Promise<string | undefined>;
  /**
   * Stores a run's captured output, replacing what is stored unless that is longer: an
   * attempt's output only grows (a claim forgets the output of the attempt before).
   */
  saveOutput(runId: string, output: RunOutput): Promise<void>;
  getOutput(runId: string): Promise<RunOutput | undefined>;
  /**
   * A random id made when the store was created. Everything this store's runs create in
   * Docker carries it (label pushgate.instance), so two pushgates sharing one engine never
   * reap each other's containers.
   */
  instanceId(): Promise<string>;
  /** Whether test execution is paused (kept across restarts, for engine maintenance). */
  queuePaused(): Promise<boolean>;
  setQueuePaused(paused: boolean): Promise<void>;
  /**
   * Records a run's actions as pending, before any is sent. Actions already recorded (a run
   * resumed after a restart) are kept as they are. Returns all of the run's actions, in order.
   */
  planActions(runId: string, actions: readonly PlannedAction[], now: Date): Promise<ActionRecord[]>;
  /** A run's actions in order of execution. */
  listActions(runId: string): Promise<ActionRecord[]>;
  /** Appends one call to an action's history. */
  recordActionAttempt(
    runId: string,
    actionId: string,
    attempt: ActionAttempt,
    now: Date,
  ): Promise<void>;
  updateAction(runId: string, actionId: string, update: ActionUpdate, now: Date): Promise<void>;
  /** Actions not confirmed done (pending or sent) of every run, oldest run first. */
  unfinishedActions(): Promise<ActionRecord[]>;
  /** Records a new session; every replica sharing the store knows it at once. */
  createSession(session: SessionRecord): Promise<void>;
  getSession(idHash: string): Promise<SessionRecord | undefined>;
  /** Moves a session's last use to `at`; nothing when it is gone. */
  touchSession(idHash: string, at: Date): Promise<void>;
  /** Ends a session (sign-out); nothing when it is gone. */
  deleteSession(idHash: string): Promise<void>;
  /** Ends every session last used before `before`; how many. */
  deleteIdleSessions(before: Date): Promise<number>;
  /**
   * Records (or updates) a promotion of a run: one per run, registry, repository and tag.
   * Deliveries announcing it are then answered `promoted` by accept().
   */
  savePromotion(promotion: Omit<Promotion, "promotedAt">, now: Date): Promise<void>;
  /** A run's promotions, in the order they were first written. */
  listPromotions(runId: string): Promise<Promotion[]>;
  /** Forgets a promotion whose push failed: deliveries of its tag count as pushes again. */
  forgetPromotion(
    promotion: Pick<Promotion, "runId" | "registry" | "repository" | "tag">,
  ): Promise<void>;
  /** Rejects when the store cannot be read or written. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

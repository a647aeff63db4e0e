import pg from "pg";
import { isFinal, type RunState } from "../../pipeline/run-states.js";
import { GroupCommit, type Delivery } from "../group-commit.js";
import { createIdGenerator } from "../new-id.js";
import { runUpdateColumns } from "../run-update-columns.js";
import { StoreUnavailableError } from "../store-unavailable-error.js";
import type {
  AcceptItem,
  AcceptOptions,
  AcceptOutcome,
  ActionAttempt,
  ActionRecord,
  ActionUpdate,
  HeldRun,
  Lease,
  PlannedAction,
  Promotion,
  Pruned,
  RetentionPolicy,
  RunFilter,
  RunOutput,
  RunRecord,
  RunStore,
  RunUpdate,
  SessionRecord,
  StopRequest,
} from "../run-store.js";
import { HELD_STATES } from "../stop-request.js";
import { PostgresClaims } from "./postgres-claims.js";
import { PostgresPromotions } from "./postgres-promotions.js";
import { PostgresRetention } from "./postgres-retention.js";
import { migratePostgres } from "./migrate-postgres.js";
import { acceptDeliveries } from "./postgres-accept.js";
import { PostgresRunActions } from "./postgres-run-actions.js";
import { PostgresRunQueue } from "./postgres-run-queue.js";
import { PostgresSessions } from "./postgres-sessions.js";
import {
  SELECT_RUN,
  toRunOutput,
  toRunRecord,
  type OutputRow,
  type RunRow,
} from "./postgres-rows.js";

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database?sslmode=... */
  url: string;
  /** This replica's id: the pushgate.instance label of what it creates in Docker. */
  instance: string;
  /** Connections held at most (default 10). */
  poolSize?: number;
  /** Told of a connection the pool lost while idle (it reconnects on its own). */
  onIdleError?: (error: Error) => void;
}

/** How long a query waits for a connection before the store counts as unavailable. */
const CONNECT_TIMEOUT_MS = 5000;

/**
 * The shared store: PostgreSQL through a pool of node-postgres connections, for any number
 * of pushgate replicas. Opened with open(): it migrates the schema first. Every failure to
 * reach or use the database rejects with StoreUnavailableError.
 */
export class PostgresRunStore implements RunStore {
  private readonly newId = createIdGenerator();
  private readonly actions: PostgresRunActions;
  private readonly promotions: PostgresPromotions;
  private readonly queue: PostgresRunQueue;
  private readonly claims: PostgresClaims;
  private readonly retention: PostgresRetention;
  private readonly sessions: PostgresSessions;
  private readonly commit = new GroupCommit((deliveries, now) => this.record(deliveries, now));
  private closed = false;

  private constructor(
    readonly pool: pg.Pool,
    private readonly instance: string,
  ) {
    const query = this.query.bind(this);
    this.actions = new PostgresRunActions(query);
    this.promotions = new PostgresPromotions(query);
    this.queue = new PostgresRunQueue(query, this.newId);
    this.claims = new PostgresClaims(query, this.transaction.bind(this));
    this.retention = new PostgresRetention(this.transaction.bind(this));
    this.sessions = new PostgresSessions(query);
  }

  /** Connects, migrates the schema (under an advisory lock) and returns the store. */
  static async open(options: PostgresStoreOptions): Promise<PostgresRunStore> {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: `pushgate ${options.instance}`,
    });
    pool.on("error", (error) => options.onIdleError?.(error));
    try {
      await migratePostgres(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresRunStore(pool, options.instance);
  }

  /** One statement on any connection of the pool; its rows. */
  async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
  }

  /** `work` in one transaction on one connection: committed, or rolled back if it throws. */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
    // A connection the server ends mid-transaction also says so as an event: heard here,
    // the failure is the query's, and the connection is not given back to the pool.
    const ignore = (): void => undefined;
    client.on("error", ignore);
    let failure: Error | undefined;
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      await client.query("ROLLBACK").catch(() => undefined);
      throw error instanceof StoreUnavailableError ? error : new StoreUnavailableError(error);
    } finally {
      client.off("error", ignore);
      client.release(failure);
    }
  }

  private record(deliveries: readonly Delivery[], now: Date): Promise<AcceptOutcome[][]> {
    return this.transaction((client) => acceptDeliveries(client, this.newId, deliveries, now));
  }

  accept(
    items: readonly AcceptItem[],
    now: Date,
    options?: AcceptOptions,
  ): Promise<AcceptOutcome[]> {
    if (this.closed) return Promise.reject(new StoreUnavailableError("the store is closed"));
    return this.commit.accept(items, now, options);
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const [row] = await this.query<RunRow>(`${SELECT_RUN} WHERE r.id = $1`, [id]);
    return row && toRunRecord(row);
  }

  listRuns(filter: RunFilter): Promise<RunRecord[]> {
    return this.queue.list(filter);
  }

  async transition(
    id: string,
    from: readonly RunState[],
    to: RunState,
    update: RunUpdate = {},
    attempt?: number,
  ): Promise<boolean> {
    const params: unknown[] = [id, from, to, new Date()];
    const sets = ["state = $3", "updated_at = $4"];
    if (isFinal(to)) sets.push("finished_at = $4");
    if (!(HELD_STATES as readonly RunState[]).includes(to)) {
      sets.push("lease_owner = NULL, lease_engine = NULL, lease_until = NULL, stop_request = NULL");
    }
    let guard = "";
    if (attempt !== undefined) {
      params.push(attempt);
      guard = ` AND attempt = $${params.length}`;
    }
    for (const { column, value } of runUpdateColumns(update)) {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    }
    const move = `UPDATE runs SET ${sets.join(", ")} WHERE id = $1 AND state = ANY ($2::text[])${guard}`;
    if (update.output !== null) {
      return (await this.queryCount(move, params)) === 1;
    }
    // Forgetting the output goes with the state change: both are written, or neither.
    return this.transaction(async (client) => {
      const moved = (await client.query(move, params)).rowCount === 1;
      if (moved) await client.query("DELETE FROM run_logs WHERE run_id = $1", [id]);
      return moved;
    });
  }

  private async queryCount(sql: string, params: unknown[]): Promise<number> {
    try {
      return (await this.pool.query(sql, params)).rowCount ?? 0;
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
  }

  claimRuns(
    pipeline: string,
    limit: number,
    pipelineLimit: number | undefined,
    lease: Lease,
    now: Date,
  ): Promise<RunRecord[]> {
    return this.claims.claim(pipeline, limit, pipelineLimit, lease, now);
  }

  abandonedRuns(now: Date, gone?: string): Promise<RunRecord[]> {
    return this.claims.abandoned(now, gone);
  }

  claimActing(lease: Lease, now: Date, gone?: string): Promise<RunRecord[]> {
    return this.claims.claimActing(lease, now, gone);
  }

  renewLeases(lease: Lease, runIds: readonly string[], now: Date): Promise<HeldRun[]> {
    return this.claims.renew(lease, runIds, now);
  }

  requestStop(runId: string, stop: StopRequest): Promise<boolean> {
    return this.claims.requestStop(runId, stop);
  }

  prune(policy: RetentionPolicy, batch: number): Promise<Pruned> {
    return this.retention.prune(policy, batch);
  }

  prunable(policy: RetentionPolicy): Promise<Pruned> {
    return this.retention.prunable(policy);
  }

  runsInStates(states: readonly RunState[]): Promise<RunRecord[]> {
    return this.queue.inStates(states);
  }

  nextQueued(pipeline: string, limit: number): Promise<RunRecord[]> {
    return this.queue.next(pipeline, limit);
  }

  queuedPipelines(): Promise<string[]> {
    return this.queue.pipelines();
  }

  countRuns(state: RunState): Promise<number> {
    return this.queue.count(state);
  }

  olderRunsOfImage(runId: string, states: readonly RunState[]): Promise<RunRecord[]> {
    return this.queue.olderOfImage(runId, states);
  }

  retry(runId: string, now: Date): Promise<string | undefined> {
    return this.queue.retry(runId, now);
  }

  async saveOutput(runId: string, output: RunOutput): Promise<void> {
    await this.query(
      `INSERT INTO run_logs (run_id, head, tail, total_bytes, dropped_bytes, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (run_id) DO UPDATE SET head = $2, tail = $3, total_bytes = $4,
           dropped_bytes = $5, updated_at = $6
         WHERE run_logs.total_bytes <= $4`,
      [
        runId,
        JSON.stringify(output.head),
        JSON.stringify(output.tail),
        output.totalBytes,
        output.droppedBytes,
        new Date(),
      ],
    );
  }

  async getOutput(runId: string): Promise<RunOutput | undefined> {
    const [row] = await this.query<OutputRow>(
      "SELECT head, tail, total_bytes, dropped_bytes FROM run_logs WHERE run_id = $1",
      [runId],
    );
    return row && toRunOutput(row);
  }

  planActions(
    runId: string,
    actions: readonly PlannedAction[],
    now: Date,
  ): Promise<ActionRecord[]> {
    return this.actions.plan(runId, actions, now);
  }

  listActions(runId: string): Promise<ActionRecord[]> {
    return this.actions.list(runId);
  }

  recordActionAttempt(
    runId: string,
    actionId: string,
    attempt: ActionAttempt,
    now: Date,
  ): Promise<void> {
    return this.actions.recordAttempt(runId, actionId, attempt, now);
  }

  updateAction(runId: string, actionId: string, update: ActionUpdate, now: Date): Promise<void> {
    return this.actions.update(runId, actionId, update, now);
  }

  unfinishedActions(): Promise<ActionRecord[]> {
    return this.actions.unfinished();
  }

  savePromotion(promotion: Omit<Promotion, "promotedAt">, now: Date): Promise<void> {
    return this.promotions.save(promotion, now);
  }

  listPromotions(runId: string): Promise<Promotion[]> {
    return this.promotions.list(runId);
  }

  forgetPromotion(
    promotion: Pick<Promotion, "runId" | "registry" | "repository" | "tag">,
  ): Promise<void> {
    return this.promotions.forget(promotion);
  }

  instanceId(): Promise<string> {
    return Promise.resolve(this.instance);
  }

  async queuePaused(): Promise<boolean> {
    const [row] = await this.query<{ value: string }>(
      "SELECT value FROM meta WHERE key = 'queue.paused'",
    );
    return row?.value === "true";
  }

  async setQueuePaused(paused: boolean): Promise<void> {
    await this.query(
      `INSERT INTO meta (key, value) VALUES ('queue.paused', $1)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [String(paused)],
    );
  }

  createSession(session: SessionRecord): Promise<void> {
    return this.sessions.create(session);
  }

  getSession(idHash: string): Promise<SessionRecord | undefined> {
    return this.sessions.get(idHash);
  }

  touchSession(idHash: string, at: Date): Promise<void> {
    return this.sessions.touch(idHash, at);
  }

  deleteSession(idHash: string): Promise<void> {
    return this.sessions.delete(idHash);
  }

  deleteIdleSessions(before: Date): Promise<number> {
    return this.sessions.deleteIdle(before);
  }

  async ping(): Promise<void> {
    if (this.closed) throw new StoreUnavailableError("the store is closed");
    await this.query("SELECT 1 FROM runs LIMIT 1");
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
